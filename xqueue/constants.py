"""Fixed strings of the XQueue protocol and of this app."""

import json

GRADER_GROUP = "xqueue_graders"
LMS_GROUP = "xqueue_lms"
ROLE_GROUPS = {"grader": GRADER_GROUP, "lms": LMS_GROUP}
SESSION_ROLES_KEY = "xqueue_roles"
FILE_URL_SALT = "xqueue.file-url"

LOGIN_REQUIRED = "login_required"

# What the LMS shows when grading did not happen (same text as the legacy XQueue server).
FAILURE_REPLY = json.dumps(
    {
        "correct": None,
        "score": 0,
        "msg": '<div class="capa_alert">Your submission could not be graded. Please recheck your submission and '
        "try again. If the problem persists, please notify the course staff.</div>",
    }
)
