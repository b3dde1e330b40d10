"""`python -m tests.monitoring.live_seed N`: monitoring.demo's live exam with N learners, as JSON for the live
tests (they run it inside the live server's environment)."""

import json
import sys

import django


def main(learners: int) -> dict:
    django.setup()
    from monitoring.demo import seed_live_exam

    return seed_live_exam(
        course_id="course-v1:Live+Mon+2026", name="Live monitoring exam", learners=learners, lms_user_id_base=100000
    )


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
