"""Course staff replication: COURSE_ACCESS_ROLE_ADDED / _REMOVED from the LMS (via `manage.py consume_events`)."""

import logging

from django.dispatch import receiver
from openedx_events.learning.signals import COURSE_ACCESS_ROLE_ADDED, COURSE_ACCESS_ROLE_REMOVED

from exams.api import add_course_staff_role, remove_course_staff_role

log = logging.getLogger(__name__)


@receiver(COURSE_ACCESS_ROLE_ADDED, dispatch_uid="events.course_access_role_added")
def on_course_access_role_added(sender, course_access_role_data, **kwargs):
    data = course_access_role_data
    created = add_course_staff_role(
        username=data.user.pii.username,
        lms_user_id=data.user.id,
        email=data.user.pii.email or "",
        course_id=str(data.course_key),
        role=data.role,
    )
    log.info("Role %s for %s in %s added (new=%s)", data.role, data.user.pii.username, data.course_key, created)


@receiver(COURSE_ACCESS_ROLE_REMOVED, dispatch_uid="events.course_access_role_removed")
def on_course_access_role_removed(sender, course_access_role_data, **kwargs):
    data = course_access_role_data
    removed = remove_course_staff_role(
        username=data.user.pii.username, lms_user_id=data.user.id, course_id=str(data.course_key), role=data.role
    )
    log.info("Role %s for %s in %s removed (existed=%s)", data.role, data.user.pii.username, data.course_key, removed)
