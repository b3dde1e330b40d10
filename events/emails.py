"""Proctoring status emails (contract §6.4): rendered from templates, sent by Celery after commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from exams.api import ExamAttempt, course_exam_configuration, statuses

log = logging.getLogger(__name__)

SUBJECTS = {
    statuses.SUBMITTED: "Proctoring attempt submitted",
    statuses.VERIFIED: "Proctoring attempt verified",
    statuses.REJECTED: "Proctoring attempt rejected",
}


def sends_email(*, exam_type: str, status: str) -> bool:
    return exam_type == "proctored" and status in SUBJECTS


def schedule_status_email(*, attempt, status: str) -> None:
    """After commit, queue the email; a broker failure is logged and never fails the status change."""
    if not sends_email(exam_type=attempt.exam.exam_type, status=status):
        return
    attempt_id = attempt.pk

    def queue():
        from events.tasks import send_status_email

        try:
            send_status_email.apply_async((attempt_id, status), retry=False)
        except Exception:  # noqa: BLE001
            log.exception(
                "Error while sending proctoring status email for attempt %s (%s): not queued", attempt_id, status
            )

    transaction.on_commit(queue)


def contact(course_id: str) -> tuple[str, str]:
    """(url, text): mailto the course's escalation email, else the LMS support page."""
    config = course_exam_configuration(course_id)
    if config is not None and config.escalation_email:
        return f"mailto:{config.escalation_email}", config.escalation_email
    url = f"{settings.LMS_ROOT_URL.rstrip('/')}/support/contact_us"
    return url, url


def build_status_email(*, attempt, status: str) -> EmailMultiAlternatives:
    contact_url, contact_url_text = contact(attempt.exam.course_id)
    context = {
        "exam_name": attempt.exam.exam_name,
        "course_url": f"{settings.LEARNING_MICROFRONTEND_URL.rstrip('/')}/course/{attempt.exam.course_id}",
        "contact_url": contact_url,
        "contact_url_text": contact_url_text,
    }
    text = render_to_string(f"events/emails/{status}.txt", context)
    html = render_to_string(f"events/emails/{status}.html", context)
    message = EmailMultiAlternatives(SUBJECTS[status], text, settings.DEFAULT_FROM_EMAIL, [attempt.user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_status_email(*, attempt_id: int, status: str) -> bool:
    """Send the email for the status the attempt reached; False when there is nothing to send."""
    attempt = ExamAttempt.objects.select_related("exam", "user").filter(pk=attempt_id).first()
    if attempt is None or not attempt.user.email or not sends_email(exam_type=attempt.exam.exam_type, status=status):
        return False
    build_status_email(attempt=attempt, status=status).send(fail_silently=False)
    return True
