"""COURSE_ACCESS_ROLE_ADDED / _REMOVED from the LMS replicate course staff roles, idempotently."""

import threading
import zlib

import pytest
from opaque_keys.edx.keys import CourseKey
from openedx_events.data import EventsMetadata
from openedx_events.event_bus import get_producer, make_single_consumer
from openedx_events.learning.data import CourseAccessRoleData, UserData, UserPersonalData
from openedx_events.learning.signals import COURSE_ACCESS_ROLE_ADDED, COURSE_ACCESS_ROLE_REMOVED

from exams.models import CourseStaffRole, User
from tests.conftest import COURSE_ID

ROLE_TOPIC = "learning-course-access-role-lifecycle"


def role_data(username: str, role: str, course_id: str = COURSE_ID, user_id: int | None = None) -> CourseAccessRoleData:
    """The LMS user id is each username's own (LMS identities are keyed by it)."""
    user_id = user_id or zlib.crc32(username.encode()) % 1_000_000 + 1
    return CourseAccessRoleData(
        user=UserData(
            id=user_id, is_active=True, pii=UserPersonalData(username=username, email=f"{username}@lms.example")
        ),
        org_key="edX",
        course_key=CourseKey.from_string(course_id),
        role=role,
    )


def emit(signal, data):
    """As the bus consumer does it: the original metadata, marked as coming from the bus."""
    signal.send_event_with_custom_metadata(EventsMetadata(event_type=signal.event_type), course_access_role_data=data)


def roles():
    return sorted(CourseStaffRole.objects.values_list("user__username", "course_id", "role"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "instructor", "limited_staff"])
def test_added_creates_the_user_and_the_role_once(role):
    emit(COURSE_ACCESS_ROLE_ADDED, role_data("new_teacher", role))
    emit(COURSE_ACCESS_ROLE_ADDED, role_data("new_teacher", role))  # redelivery

    assert roles() == [("new_teacher", COURSE_ID, role)]
    user = User.objects.get(username="new_teacher")
    assert user.email == "new_teacher@lms.example"


@pytest.mark.django_db
def test_other_roles_are_ignored():
    emit(COURSE_ACCESS_ROLE_ADDED, role_data("beta", "beta_testers"))
    assert roles() == []
    assert not User.objects.filter(username="beta").exists()


@pytest.mark.django_db
def test_removed_deletes_only_that_role_and_never_creates_users(course_staff):
    CourseStaffRole.objects.create(user=course_staff, course_id=COURSE_ID, role="instructor")

    emit(COURSE_ACCESS_ROLE_REMOVED, role_data("course_staff", "staff", user_id=course_staff.lms_user_id))
    emit(COURSE_ACCESS_ROLE_REMOVED, role_data("course_staff", "staff", user_id=course_staff.lms_user_id))  # again
    emit(COURSE_ACCESS_ROLE_REMOVED, role_data("stranger", "staff"))

    assert roles() == [("course_staff", COURSE_ID, "instructor")]
    assert not User.objects.filter(username="stranger").exists()


@pytest.mark.django_db(transaction=True)
def test_the_redis_consumer_applies_role_events_from_the_bus(redis_bus, settings):
    """The LMS publishes on the role topic; `consume_events`' Redis consumer re-emits and we replicate."""
    settings.EVENT_BUS_PRODUCER_CONFIG = {}
    consumer = make_single_consumer(topic=ROLE_TOPIC, group_id="exams", consumer_name="exams-test", check_backlog=True)
    producer = get_producer()
    for signal, data in (
        (COURSE_ACCESS_ROLE_ADDED, role_data("lms_teacher", "instructor")),
        (COURSE_ACCESS_ROLE_ADDED, role_data("lms_teacher", "staff")),
        (COURSE_ACCESS_ROLE_REMOVED, role_data("lms_teacher", "instructor")),
    ):
        producer.send(
            signal=signal,
            topic=ROLE_TOPIC,
            event_key_field="course_access_role_data.course_key",
            event_data={"course_access_role_data": data},
            event_metadata=EventsMetadata(event_type=signal.event_type),
        )
    handled = []

    def stop_after_three(sender, **kwargs):
        handled.append(kwargs["signal"].event_type)
        if len(handled) == 3:
            consumer._shut_down()

    safety = threading.Timer(20, consumer._shut_down)
    safety.start()
    for signal in (COURSE_ACCESS_ROLE_ADDED, COURSE_ACCESS_ROLE_REMOVED):
        signal.connect(stop_after_three, dispatch_uid="test-stop-consumer")
    try:
        consumer.consume_indefinitely()
    finally:
        safety.cancel()
        for signal in (COURSE_ACCESS_ROLE_ADDED, COURSE_ACCESS_ROLE_REMOVED):
            signal.disconnect(dispatch_uid="test-stop-consumer")

    assert len(handled) == 3
    assert roles() == [("lms_teacher", COURSE_ID, "staff")]
