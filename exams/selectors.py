"""Read queries of the exams app."""

from decimal import Decimal
from functools import cache

from django.db.models import Q, QuerySet

from exams import exam_cache, statuses
from exams.models import CourseExamConfiguration, CourseStaffRole, Exam, ExamAttempt, ProctoringProvider
from exams_service import rows


def is_course_staff(user, course_id: str) -> bool:
    """Global staff, or any CourseStaffRole in the course."""
    if not user.is_authenticated:
        return False
    return user.is_staff or CourseStaffRole.objects.filter(user=user, course_id=course_id).exists()


def active_course_exams(course_id: str) -> QuerySet[Exam]:
    return Exam.objects.filter(course_id=course_id, is_active=True).order_by("id")


def course_exam_configuration(course_id: str) -> CourseExamConfiguration | None:
    return CourseExamConfiguration.objects.select_related("provider").filter(course_id=course_id).first()


def course_uses_this_service(course_id: str) -> bool:
    """A course belongs here when it has a configuration with a provider; else it is edx-proctoring's."""
    return CourseExamConfiguration.objects.filter(course_id=course_id, provider__isnull=False).exists()


def providers_for_org(org: str | None) -> QuerySet[ProctoringProvider]:
    providers = ProctoringProvider.objects.order_by("name")
    if org:
        providers = providers.filter(Q(org_key=org) | Q(org_key__isnull=True))
    return providers


# --- attempts ------------------------------------------------------------------------------------


def is_past_due(exam, now) -> bool:
    return exam.due_date is not None and exam.due_date <= now


def current_attempts():
    from exams.models import ExamAttempt

    return ExamAttempt.objects.filter(reset_at__isnull=True)


def current_attempt(user_id: int, exam_id: int):
    """The user's latest attempt on the exam that was not reset."""
    return current_attempts().filter(user_id=user_id, exam_id=exam_id).order_by("-attempt_number").first()


def running_attempts_of_user(user_id: int):
    from exams import statuses

    return current_attempts().filter(user_id=user_id, status__in=sorted(statuses.IN_PROGRESS))


def running_attempts_past_deadline(now) -> list[int]:
    """Ids of started/ready_to_submit attempts whose time is up (pauses taken into account)."""
    from exams import statuses, timers

    running = current_attempts().filter(status__in=sorted(statuses.IN_PROGRESS), start_time__isnull=False)
    return [
        attempt.pk
        for attempt in running.only(
            "id", "status", "start_time", "allowed_time_limit_mins", "paused_seconds", "paused_at"
        ).iterator()
        if timers.is_time_up(attempt, now)
    ]


def latest_attempt_for_content(user_id: int, content_id: str):
    """(exam exists, the user's current attempt on the active exam at content_id)."""
    exam = exam_cache.active_exam_for_content(content_id)
    if exam is None:
        return False, None
    attempt = _polled_attempt(user_id, exam.pk, with_allowance=False)
    if attempt is not None:
        exam_cache.attach(attempt, exam)
    return True, attempt


def active_attempt_of_user(user_id: int):
    """The user's running attempt across all exams (there is at most one)."""
    return running_attempts_of_user(user_id).select_related("exam").order_by("-created").first()


def active_exam_by_content_id(content_id: str):
    return exam_cache.active_exam_for_content(content_id)


def _polled_attempt(user_id: int, exam_id: int, *, with_allowance: bool):
    """The user's current attempt on the exam, optionally with its allowance's columns (`allowance_*`).

    Plain SQL: these reads run on every MFE poll, and the ORM's query compilation costs more than the query.
    """
    db = rows.default_connection()
    sql, extra = _polled_attempt_sql(db.vendor, with_allowance)
    return rows.fetch_one(ExamAttempt, sql, [user_id, exam_id], extra, db=db)


@cache
def _polled_attempt_sql(vendor: str, with_allowance: bool) -> tuple[str, tuple[str, ...]]:
    """`_polled_attempt`'s statement for the default connection's database (built once per vendor)."""
    from django.db import connection

    from exams.models import ExamAttempt, StudentAllowance

    quote = connection.ops.quote_name
    columns = rows.select_list(ExamAttempt, "a")
    extra = ()
    source = f"{quote(ExamAttempt._meta.db_table)} a"
    if with_allowance:
        columns += (
            ", al.id AS allowance_pk, al.extra_time_mins AS allowance_extra_time_mins,"
            " al.time_multiplier AS allowance_time_multiplier"
        )
        extra = ("allowance_pk", "allowance_extra_time_mins", "allowance_time_multiplier")
        source += (
            f" LEFT JOIN {quote(StudentAllowance._meta.db_table)} al"
            " ON al.user_id = a.user_id AND al.exam_id = a.exam_id"
        )
    sql = (
        f"SELECT {columns} FROM {source} WHERE a.user_id = %s AND a.exam_id = %s AND a.reset_at IS NULL "
        "ORDER BY a.attempt_number DESC LIMIT 1"
    )
    return sql, extra


def attempt_for_update(attempt_id: int):
    """The attempt row, locked until the transaction ends (plain SQL: every status update starts here).

    PostgreSQL takes `FOR NO KEY UPDATE` (an UPDATE's own lock): rows that reference the attempt (its session,
    its reviews) check their foreign key with a key-share lock, which must not wait for a status change."""
    db = rows.default_connection()
    if not db.features.has_select_for_update:
        return _attempt_row(db, attempt_id, "")
    return _attempt_row(db, attempt_id, " FOR NO KEY UPDATE" if db.vendor == "postgresql" else " FOR UPDATE")


def attempt_by_id(attempt_id: int):
    """The attempt row, unlocked (plain SQL: the one-statement status update decides on it)."""
    return _attempt_row(rows.default_connection(), attempt_id, "")


def _attempt_row(db, attempt_id: int, lock: str):
    return rows.fetch_one(ExamAttempt, _attempt_row_sql(db.vendor, lock), [attempt_id], db=db)


@cache
def _attempt_row_sql(vendor: str, lock: str) -> str:
    table = rows.default_connection().ops.quote_name(ExamAttempt._meta.db_table)
    return f"SELECT {rows.select_list(ExamAttempt, table)} FROM {table} WHERE id = %s{lock}"


def attempt_and_allowance(user_id: int, exam_id: int):
    """(current attempt, allowance) of a learner on an exam: one query when an attempt exists (the polled case)."""
    from exams.models import StudentAllowance

    attempt = _polled_attempt(user_id, exam_id, with_allowance=True)
    if attempt is None:
        return None, allowance_for(user_id, exam_id)
    if attempt.allowance_pk is None:
        return attempt, None
    return attempt, StudentAllowance(
        pk=attempt.allowance_pk,
        user_id=user_id,
        exam_id=exam_id,
        extra_time_mins=attempt.allowance_extra_time_mins,
        time_multiplier=Decimal(str(attempt.allowance_time_multiplier)),
    )


def allowance_for(user_id: int, exam_id: int):
    from exams.models import StudentAllowance

    return StudentAllowance.objects.filter(user_id=user_id, exam_id=exam_id).first()


def course_allowances(course_id: str):
    from exams.models import StudentAllowance

    return StudentAllowance.objects.filter(exam__course_id=course_id).select_related("user", "exam").order_by("id")


def instructor_attempts(exam_id: int):
    """Attempts of an exam for the instructor dashboard, newest first, with reviews prefetched."""
    from django.db.models import Prefetch

    from exams.models import AttemptReview, ExamAttempt

    return (
        ExamAttempt.objects.filter(exam_id=exam_id, reset_at__isnull=True)
        .select_related("user", "exam")
        .prefetch_related(Prefetch("reviews", queryset=AttemptReview.objects.order_by("created", "id")))
        .order_by("-created", "-id")
    )


def attempt_has_ended(attempt_id: int) -> bool:
    """Completed, reset or gone: what ends the LTI launch session opened for it."""
    row = ExamAttempt.objects.filter(pk=attempt_id).values_list("status", "reset_at").first()
    return row is None or row[0] in statuses.COMPLETED or row[1] is not None
