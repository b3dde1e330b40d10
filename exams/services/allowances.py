"""Extra-time allowances granted by course staff (contract §3.4(2/3))."""

from django.db import transaction
from django.db.models import Q

from exams import exceptions
from exams.models import Exam, StudentAllowance, User


def _resolve_user(item: dict) -> User:
    username, email = item.get("username"), item.get("email")
    query = Q(username=username) if username else Q(email=email)
    users = list(User.objects.filter(query)[:2])
    if len(users) != 1:
        raise exceptions.ExamsError("Learner with username/email not found")
    return users[0]


@transaction.atomic
def upsert_allowances(*, course_id: str, items: list[dict]) -> list[StudentAllowance]:
    """Create or update one allowance per (user, exam); the whole batch fails if one item is invalid."""
    exam_ids = {item["exam_id"] for item in items}
    exams = {exam.pk: exam for exam in Exam.objects.filter(pk__in=exam_ids, course_id=course_id)}
    if len(exams) != len(exam_ids):
        raise exceptions.ExamsError("Exam does not exist")
    saved = []
    for item in items:
        allowance, _ = StudentAllowance.objects.select_for_update().update_or_create(
            user=_resolve_user(item),
            exam=exams[item["exam_id"]],
            defaults={"extra_time_mins": item["extra_time_mins"], "time_multiplier": item["time_multiplier"]},
        )
        saved.append(allowance)
    return saved


@transaction.atomic
def delete_allowance(*, course_id: str, allowance_id: int) -> None:
    deleted, _ = StudentAllowance.objects.filter(pk=allowance_id, exam__course_id=course_id).delete()
    if not deleted:
        raise exceptions.NotFound(f"Allowance with id={allowance_id} does not exist.")
