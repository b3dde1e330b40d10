"""Every forwarded call is logged and counted; staff can read the counters."""

import json
import logging
from io import StringIO

from django.core.management import call_command

from legacy_router import client, metrics
from tests.conftest import COURSE_ID
from tests.legacy_router.conftest import API, issue_token

SETTINGS_URL = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/7"
METRICS_URL = "/legacy_router/metrics"


def test_each_call_is_logged_with_course_path_status_and_latency(lms, clients, learner, caplog):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({}, status=400)

    with caplog.at_level(logging.INFO, logger="legacy_router.client"):
        clients.of(learner).get(SETTINGS_URL)

    records = [
        r for r in caplog.records if r.getMessage().startswith("legacy_proctoring_call endpoint=provider_settings")
    ]
    assert len(records) == 1
    record = records[0]
    assert record.course_id == COURSE_ID
    assert record.legacy_path.endswith("/api/edx_proctoring/v1/proctored_exam/settings/exam_id/7/")
    assert record.legacy_status == 400
    assert record.legacy_outcome == "4xx"
    assert record.latency_ms >= 0
    assert f"course_id={COURSE_ID}" in record.getMessage()


def test_counters_and_histograms(lms, clients, learner):
    issue_token(lms)
    lms.expect_oneshot_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({})
    lms.expect_oneshot_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({})
    lms.expect_oneshot_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({}, status=404)

    for _ in range(3):
        clients.of(learner).get(SETTINGS_URL)

    snapshot = metrics.snapshot()
    assert snapshot["provider_settings"]["calls"] == {"2xx": 2, "4xx": 1}
    assert snapshot["token"]["calls"] == {"2xx": 1}
    latency = snapshot["provider_settings"]["latency_ms"]
    assert latency["count"] == 3
    assert latency["buckets"]["le_inf"] == 3
    assert latency["buckets"]["le_10000"] == 3


def test_metrics_endpoint_is_global_staff_only(lms, clients, learner, course_staff, global_staff):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({})
    clients.of(learner).get(SETTINGS_URL)

    assert clients.anonymous.get(METRICS_URL).status_code == 401
    assert clients.of(learner).get(METRICS_URL).status_code == 403
    assert clients.of(course_staff).get(METRICS_URL).status_code == 403
    body = clients.of(global_staff).get(METRICS_URL).json()
    assert body["enabled"] is True
    assert body["circuit"]["state"] == "closed"
    assert body["endpoints"]["provider_settings"]["calls"] == {"2xx": 1}


def test_metrics_command_prints_and_resets(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({})
    clients.of(learner).get(SETTINGS_URL)

    out = StringIO()
    call_command("legacy_router_metrics", "--reset", stdout=out)

    assert json.loads(out.getvalue())["endpoints"]["provider_settings"]["calls"] == {"2xx": 1}
    assert metrics.snapshot()["provider_settings"]["calls"] == {}


def test_one_pooled_session_per_process(lms):
    session = client.http_session()

    assert client.http_session() is session
    adapter = session.get_adapter("http://127.0.0.1/")
    assert adapter._pool_maxsize == 10
    assert adapter.max_retries.total == 0
