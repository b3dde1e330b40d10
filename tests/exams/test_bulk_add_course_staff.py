"""`manage.py bulk_add_course_staff --csv_path=F [--batch_size] [--batch_delay]` (contract §6.2)."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import CourseStaffRole, User
from exams.selectors import is_course_staff

HEADER = "username,email,role,course_id\n"


@pytest.fixture
def write_csv(tmp_path):
    def write(text, header=HEADER):
        path = tmp_path / "staff.csv"
        path.write_text(header + text, encoding="utf-8")
        return str(path)

    return write


def run(path, **options):
    with mock.patch("exams.services.course_staff.time.sleep") as sleep:  # the wall clock is the boundary here
        call_command("bulk_add_course_staff", csv_path=path, stdout=(out := _Out()), **options)
    return out.text, sleep


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def roles():
    return sorted(CourseStaffRole.objects.values_list("user__username", "course_id", "role"), key=str)


@pytest.mark.django_db
class TestBulkAddCourseStaff:
    def test_imports_users_and_roles(self, write_csv):
        path = write_csv(
            "ann,ann@example.com,staff,course-v1:edX+A+1\n"
            "ann,ann@example.com,instructor,course-v1:edX+B+1\n"
            "bob,bob@example.com,limited_staff,course-v1:edX+A+1\n"
        )
        out, _ = run(path)
        assert "Created 3 course staff roles." in out
        assert roles() == [
            ("ann", "course-v1:edX+A+1", "staff"),
            ("ann", "course-v1:edX+B+1", "instructor"),
            ("bob", "course-v1:edX+A+1", "limited_staff"),
        ]
        assert User.objects.get(username="bob").email == "bob@example.com"
        assert is_course_staff(User.objects.get(username="ann"), "course-v1:edX+B+1")

    def test_existing_users_and_roles_are_kept(self, write_csv, course_staff):
        path = write_csv(
            "course_staff,changed@example.com,staff,course-v1:edX+Test+2026\n"
            "course_staff,changed@example.com,instructor,course-v1:edX+Test+2026\n"
        )
        out, _ = run(path)
        assert "Created 1 course staff roles." in out
        assert CourseStaffRole.objects.filter(user=course_staff).count() == 2
        course_staff.refresh_from_db()
        assert course_staff.email == "course_staff@example.com"

    def test_running_twice_creates_nothing_new(self, write_csv):
        path = write_csv("ann,ann@example.com,staff,course-v1:edX+A+1\n")
        run(path)
        out, _ = run(path)
        assert "Created 0 course staff roles." in out
        assert CourseStaffRole.objects.count() == 1

    @pytest.mark.parametrize("role", ["staff", ""])
    def test_duplicate_rows_in_one_batch(self, write_csv, role):
        path = write_csv(f"ann,ann@example.com,{role},course-v1:edX+A+1\n" * 3)
        run(path)
        assert roles() == [("ann", "course-v1:edX+A+1", role or None)]

    def test_rows_without_username_or_course_are_skipped(self, write_csv):
        path = write_csv(",x@example.com,staff,course-v1:edX+A+1\nann,ann@example.com,staff,\n  ,,,\n")
        out, _ = run(path)
        assert "Created 0 course staff roles." in out
        assert not User.objects.exists()

    def test_batches_and_delay(self, write_csv):
        path = write_csv("".join(f"user{i},u{i}@example.com,staff,course-v1:edX+A+1\n" for i in range(7)))
        out, sleep = run(path, batch_size=3, batch_delay=0.5)
        assert "Created 7 course staff roles." in out
        assert CourseStaffRole.objects.count() == 7
        assert [call.args for call in sleep.call_args_list] == [(0.5,), (0.5,)]  # after each full batch of 3

    def test_zero_delay_never_sleeps(self, write_csv):
        path = write_csv("".join(f"user{i},u{i}@example.com,staff,course-v1:edX+A+1\n" for i in range(4)))
        _, sleep = run(path, batch_size=1, batch_delay=0)
        assert not sleep.called
        assert CourseStaffRole.objects.count() == 4

    def test_roles_are_written_in_batches(self, write_csv):
        path = write_csv("".join(f"user{i},u{i}@example.com,staff,course-v1:edX+A+1\n" for i in range(20)))
        with CaptureQueriesContext(connection) as queries:
            run(path, batch_size=8)
        inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        role_inserts = [sql for sql in inserts if "exams_coursestaffrole" in sql]
        assert len(role_inserts) == 3  # 8 + 8 + 4
        assert CourseStaffRole.objects.count() == 20

    def test_missing_columns(self, write_csv):
        path = write_csv("ann,staff\n", header="username,role\n")
        with pytest.raises(CommandError, match="CSV is missing columns: course_id, email"):
            run(path)

    def test_empty_file(self, write_csv):
        with pytest.raises(CommandError, match="missing columns"):
            run(write_csv("", header=""))

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            run(str(tmp_path / "nope.csv"))

    def test_bad_batch_size(self, write_csv):
        with pytest.raises(CommandError, match="--batch_size must be at least 1"):
            run(write_csv(""), batch_size=0)

    def test_csv_path_is_required(self):
        with pytest.raises(CommandError):
            call_command("bulk_add_course_staff")
