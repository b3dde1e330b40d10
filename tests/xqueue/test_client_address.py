"""The xqueue views record the client's address: forwarding headers count only from TRUSTED_PROXIES."""

import pytest

from tests.xqueue.conftest import lms_body, lms_header
from xqueue.models import Submission


def submit_from(lms, remote_addr: str, **headers) -> str:
    response = lms.post(
        "/xqueue/submit/",
        {"xqueue_header": lms_header(), "xqueue_body": lms_body()},
        REMOTE_ADDR=remote_addr,
        **headers,
    )
    assert response.json()["return_code"] == 0
    return Submission.objects.order_by("-pk").values_list("requester", flat=True).first()


@pytest.mark.django_db
def test_a_client_cannot_choose_its_recorded_address(lms, queue, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert submit_from(lms, "203.0.113.5", HTTP_X_REAL_IP="1.2.3.4") == "203.0.113.5"
    assert submit_from(lms, "203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4") == "203.0.113.5"


@pytest.mark.django_db
def test_a_trusted_proxy_is_believed(lms, queue, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert submit_from(lms, "10.1.2.3", HTTP_X_REAL_IP="198.51.100.4") == "198.51.100.4"
    # the rightmost untrusted hop: a forged leftmost entry is ignored
    forwarded = "6.6.6.6, 198.51.100.4, 10.9.9.9"
    assert submit_from(lms, "10.1.2.3", HTTP_X_FORWARDED_FOR=forwarded) == "198.51.100.4"


@pytest.mark.django_db
def test_no_trusted_proxies_means_remote_addr(lms, queue, settings):
    settings.TRUSTED_PROXIES = []
    assert submit_from(lms, "127.0.0.1", HTTP_X_REAL_IP="1.2.3.4") == "127.0.0.1"
