"""Platform-initiated launches: LtiStartProctoring, LtiEndAssessment and the instructor tool.

Each launch is a LaunchHint row: a random, single-use `lti_message_hint` bound to the launching user.
"""

import secrets
from datetime import timedelta
from urllib.parse import urlencode

import attr
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from lti_consumer.api import validate_lti_1p3_launch_data
from lti_consumer.data import Lti1p3LaunchData, Lti1p3ProctoringLaunchData
from lti_consumer.models import LtiConfiguration

from exams.api import Action, Actor, Exam, ExamAttempt, ExamsError, User, apply_action, is_course_staff
from lti.errors import LtiError
from lti.models import LaunchHint, ProctoringSession
from lti.services.registration import ACS_ACTIONS, DEPLOYMENT_ID, acs_url, configuration_of_provider, platform_url

START_PROCTORING, END_ASSESSMENT, RESOURCE_LINK = "LtiStartProctoring", "LtiEndAssessment", "LtiResourceLinkRequest"


def exam_url(exam: Exam) -> str:
    """Where the learner takes the exam in the learning MFE (LTI_EXAM_RETURN_URL instead, e.g. the demo tool)."""
    if getattr(settings, "LTI_EXAM_RETURN_URL", ""):
        return settings.LTI_EXAM_RETURN_URL
    return f"{settings.LEARNING_MICROFRONTEND_URL.rstrip('/')}/course/{exam.course_id}/{exam.content_id}"


def _configuration(exam: Exam) -> LtiConfiguration:
    config = configuration_of_provider(exam.provider)
    if config is None:
        raise LtiError(f"Exam with exam_id={exam.pk} is not proctored by a registered LTI 1.3 tool.")
    return config


def _owned_attempt(attempt_id: int, user: User) -> ExamAttempt:
    attempt = ExamAttempt.objects.select_related("exam__provider").filter(pk=attempt_id, reset_at__isnull=True).first()
    if attempt is None:
        raise LtiError(f"Attempt with attempt_id={attempt_id} does not exist.")
    if attempt.user_id != user.pk:
        raise LtiError(
            f"user_id={user.pk} attempted to access attempt_id={attempt_id} when starting an LTI launch "
            "but does not have access to it.",
            403,
        )
    return attempt


def _apply(attempt: ExamAttempt, action: Action, user: User, forbidden_status: int) -> ExamAttempt:
    try:
        return apply_action(attempt_id=attempt.pk, action=action, actor=Actor.LEARNER, requesting_user=user)
    except ExamsError as exc:
        raise LtiError(exc.detail, forbidden_status) from exc


def _new_launch(*, user, config, message_type, launch_data: Lti1p3LaunchData, attempt=None) -> str:
    """Store the launch under a fresh hint and return the tool's OIDC login URL (third-party initiated login)."""
    valid, messages = validate_lti_1p3_launch_data(launch_data)
    if not valid:
        raise LtiError("Invalid launch: " + " ".join(messages))
    data = attr.asdict(launch_data)
    data["config_id"] = str(data["config_id"])
    hint = LaunchHint.objects.create(
        hint=secrets.token_urlsafe(32),
        user=user,
        lti_configuration=config,
        attempt=attempt,
        message_type=message_type,
        launch_data=data,
        expires_at=timezone.now() + timedelta(seconds=settings.LTI_LAUNCH_HINT_TTL_SECONDS),
    )
    query = {
        "iss": settings.LTI_API_BASE,
        "client_id": config.lti_1p3_client_id,
        "lti_deployment_id": DEPLOYMENT_ID,
        "target_link_uri": config.lti_1p3_launch_url,
        "login_hint": launch_data.external_user_id,
        "lti_message_hint": hint.hint,
    }
    separator = "&" if "?" in config.lti_1p3_oidc_url else "?"
    return f"{config.lti_1p3_oidc_url}{separator}{urlencode(query)}"


def launch_data_from(hint: LaunchHint) -> Lti1p3LaunchData:
    data = dict(hint.launch_data)
    proctoring = data.pop("proctoring_launch_data", None)
    return Lti1p3LaunchData(
        **data, proctoring_launch_data=Lti1p3ProctoringLaunchData(**proctoring) if proctoring else None
    )


def _base_launch_data(*, user, config, exam, message_type, proctoring=None, **extra) -> Lti1p3LaunchData:
    return Lti1p3LaunchData(
        user_id=user.pk,
        user_role=extra.pop("user_role", None),
        config_id=config.config_id,
        resource_link_id=exam.resource_id,
        external_user_id=str(user.anonymous_user_id),
        message_type=message_type,
        proctoring_launch_data=proctoring,
        context_id=exam.course_id,
        context_label=exam.content_id,
        launch_presentation_return_url=exam_url(exam),
        **extra,
    )


def start_proctoring(*, attempt_id: int, user: User) -> str:
    """Mark the attempt `download_software_clicked` and return the LtiStartProctoring login URL."""
    attempt = _owned_attempt(attempt_id, user)
    config = _configuration(attempt.exam)
    with transaction.atomic():
        attempt = _apply(attempt, Action.LAUNCH_PROCTORING, user, 403)
        ProctoringSession.objects.get_or_create(
            attempt=attempt, defaults={"lti_configuration": config, "session_data": secrets.token_urlsafe(32)}
        )
        proctoring = Lti1p3ProctoringLaunchData(
            attempt_number=attempt.attempt_number,
            start_assessment_url=platform_url(reverse("lti:start_assessment")),
            assessment_control_url=acs_url(config),
            assessment_control_actions=list(ACS_ACTIONS),
        )
        launch_data = _base_launch_data(
            user=user, config=config, exam=attempt.exam, message_type=START_PROCTORING, proctoring=proctoring
        )
        return _new_launch(
            user=user, config=config, message_type=START_PROCTORING, launch_data=launch_data, attempt=attempt
        )


def end_assessment(*, attempt_id: int, user: User) -> str:
    """Submit the attempt; LtiEndAssessment login URL when the tool asked for it, else the exam page."""
    attempt = _owned_attempt(attempt_id, user)
    with transaction.atomic():
        attempt = _apply(attempt, Action.END_ASSESSMENT, user, 400)
        session = ProctoringSession.objects.filter(attempt=attempt).select_related("lti_configuration").first()
        if session is None or not session.end_assessment_return:
            return exam_url(attempt.exam)
        proctoring = Lti1p3ProctoringLaunchData(attempt_number=attempt.attempt_number)
        launch_data = _base_launch_data(
            user=user,
            config=session.lti_configuration,
            exam=attempt.exam,
            message_type=END_ASSESSMENT,
            proctoring=proctoring,
        )
        return _new_launch(
            user=user,
            config=session.lti_configuration,
            message_type=END_ASSESSMENT,
            launch_data=launch_data,
            attempt=attempt,
        )


def instructor_tool(*, exam_id: int, user: User) -> str:
    """An LtiResourceLinkRequest as instructor, with the roster URL as a custom parameter."""
    exam = Exam.objects.select_related("provider").filter(pk=exam_id).first()
    if exam is None:
        raise LtiError(f"Exam with exam_id={exam_id} does not exist.")
    if not is_course_staff(user, exam.course_id):
        raise LtiError(f"user_id={user.pk} does not have access to the instructor tool of exam_id={exam_id}.", 403)
    config = _configuration(exam)
    roster = platform_url(reverse("lti:roster", kwargs={"exam_id": exam.pk}))
    launch_data = _base_launch_data(
        user=user,
        config=config,
        exam=exam,
        message_type=RESOURCE_LINK,
        user_role="instructor",
        custom_parameters={"roster_url": roster},
    )
    return _new_launch(user=user, config=config, message_type=RESOURCE_LINK, launch_data=launch_data)


def roster(*, exam_id: int, user: User) -> list[list[str]]:
    """[anonymous_user_id, username] of every learner with an attempt on the exam (course staff only)."""
    exam = Exam.objects.filter(pk=exam_id).first()
    if exam is None:
        raise LtiError(f"Exam with exam_id={exam_id} does not exist.", 404)
    if not is_course_staff(user, exam.course_id):
        raise LtiError(f"user_id={user.pk} does not have access to the roster of exam_id={exam_id}.", 403)
    rows = (
        User.objects.filter(exam_attempts__exam_id=exam_id)
        .distinct()
        .order_by("username")
        .values_list("anonymous_user_id", "username")
    )
    return [[str(anonymous_id), username] for anonymous_id, username in rows]
