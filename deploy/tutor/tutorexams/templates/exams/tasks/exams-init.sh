python manage.py migrate --noinput
# XQueue: the LMS posts submissions here, xqueue-watcher pulls them. Their secrets are generated in config.yml
# and stored with the fast keyed hasher (create or update; the same secret keeps existing sessions).
python manage.py xqueue_ensure_queue {{ EXAMS_XQUEUE_NAME }}
XQUEUE_ACCOUNT_SECRET="{{ EXAMS_XQUEUE_LMS_SECRET }}" python manage.py xqueue_create_account lms lms
XQUEUE_ACCOUNT_SECRET="{{ EXAMS_XQUEUE_WATCHER_SECRET }}" python manage.py xqueue_create_account grader watcher
