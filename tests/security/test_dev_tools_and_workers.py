"""Development tools refuse to run unless DEV_TOOLS_ENABLED; several ASGI workers need a shared ticket store."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from exams.models import User
from tests.conftest import make_user

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
class TestDevTools:
    def test_load_demo_data_refuses_and_creates_no_admin(self, settings):
        settings.DEV_TOOLS_ENABLED = False
        with pytest.raises(CommandError, match="development"):
            call_command("load_demo_data", stdout=open(os.devnull, "w"))
        assert not User.objects.filter(username="admin").exists()

    def test_mint_dev_jwt_refuses(self, settings):
        settings.DEV_TOOLS_ENABLED = False
        make_user("someone")
        with pytest.raises(CommandError, match="disabled"):
            call_command("mint_dev_jwt", "someone", stdout=open(os.devnull, "w"))

    def test_demo_tool_routes_are_404_even_when_routed(self, settings):
        settings.DEV_TOOLS_ENABLED = False
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "lti.demo_tool"]
        settings.ROOT_URLCONF = "lti.demo_tool.local_urls"
        make_user("learner")
        client = Client()
        assert client.get("/lti/demo_tool/").status_code == 404
        assert client.post("/lti/demo_tool/begin").status_code == 404  # would log anyone in as the demo learner
        assert "_auth_user_id" not in client.session

    def test_with_dev_tools_the_demo_data_separates_the_admin_from_lms_users(self, settings):
        settings.DEV_TOOLS_ENABLED = True
        call_command("load_demo_data", stdout=open(os.devnull, "w"))
        admin = User.objects.get(username="admin")
        assert admin.is_local_account and admin.is_superuser and admin.lms_user_id is None
        assert User.objects.get(username="global_staff").is_lms_identity
        assert Client().login(username="admin", password="admin")


def test_run_asgi_refuses_several_workers_without_a_shared_ticket_store():
    """Today's code would start two uvicorn workers each burning tickets in its own memory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings.test"}
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "run_asgi", "--workers", "2", "--port", "18151"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("run_asgi started with 2 workers and a per-process ticket store")
    assert result.returncode != 0
    assert "ticket store" in result.stderr
