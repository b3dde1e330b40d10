"""File upload (LMS) to download (grader) round trip through signed, expiring URLs."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from freezegun import freeze_time

from tests.xqueue.conftest import lms_body, lms_header, pull, submit
from xqueue.models import SubmissionFile

pytestmark = pytest.mark.django_db

CODE = b"def answer():\n    return 42\n"
DATA = bytes(range(256)) * 10


def _download(url: str):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver"  # absolute, on this service
    return Client().get(parts.path)  # no session: graders' handlers fetch without the watcher's cookies


def test_uploaded_files_come_back_byte_for_byte(grader, lms, queue):
    reply = submit(
        lms,
        lms_header(),
        lms_body(""),
        **{"answer.py": SimpleUploadedFile("answer.py", CODE), "data.bin": SimpleUploadedFile("data.bin", DATA)},
    )
    assert reply == {"return_code": 0, "content": "1"}
    urls = json.loads(pull(grader)["xqueue_files"])
    assert set(urls) == {"answer.py", "data.bin"}
    for name, expected in (("answer.py", CODE), ("data.bin", DATA)):
        response = _download(urls[name])
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == expected
        assert name in response["Content-Disposition"]


def test_public_url_setting_overrides_the_host(grader, lms, queue, settings):
    settings.XQUEUE_PUBLIC_URL = "https://xqueue.example.com/"
    submit(lms, **{"a.py": SimpleUploadedFile("a.py", CODE)})
    url = json.loads(pull(grader)["xqueue_files"])["a.py"]
    assert url.startswith("https://xqueue.example.com/xqueue/files/")


def test_file_urls_expire_and_cannot_be_forged(grader, lms, queue, settings):
    settings.XQUEUE_FILE_URL_MAX_AGE = 3600
    with freeze_time("2026-03-01 10:00:00") as clock:
        submit(lms, **{"a.py": SimpleUploadedFile("a.py", CODE)})
        url = json.loads(pull(grader)["xqueue_files"])["a.py"]
        assert _download(url).status_code == 200
        clock.tick(timedelta(seconds=3601))
        assert _download(url).status_code == 404
    file_id = SubmissionFile.objects.get().id
    assert Client().get(f"/xqueue/files/{file_id}:forged:signature/").status_code == 404
    assert Client().get("/xqueue/files/garbage/").status_code == 404


def test_missing_file_in_storage_is_a_404_not_a_500(grader, lms, queue):
    submit(lms, **{"a.py": SimpleUploadedFile("a.py", CODE)})
    url = json.loads(pull(grader)["xqueue_files"])["a.py"]
    SubmissionFile.objects.update(path="xqueue/gone")
    assert _download(url).status_code == 404
