"""Renders a Tutor project with this plugin enabled (no Docker daemon needed): `tutor config save` + kustomize."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

TUTOR = shutil.which("tutor")
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


def tutor(root: Path, *args: str) -> str:
    env = {**os.environ, "TUTOR_ROOT": str(root)}
    result = subprocess.run([TUTOR, *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.env = root / "env"

    def read(self, *parts: str) -> str:
        return self.env.joinpath(*parts).read_text()

    def compose(self, name: str = "docker-compose.yml") -> dict:
        return yaml.safe_load(self.read("local", name))

    def env_file(self) -> dict[str, str]:
        lines = self.read("plugins", "exams", "apps", "exams.env").splitlines()
        return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    def config(self) -> dict:
        return yaml.safe_load((self.root / "config.yml").read_text())

    def kustomize(self) -> list[dict]:
        result = subprocess.run([KUBECTL, "kustomize", str(self.env)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc]

    def init_tasks(self) -> dict[str, str]:
        """The init job's scripts per service, rendered as `tutor local do init` would."""
        script = (
            "import json, sys\n"
            "from tutor import config, env, hooks\n"
            "hooks.Actions.CORE_READY.do()\n"
            "hooks.Actions.PROJECT_ROOT_READY.do(sys.argv[1])\n"
            "conf = config.load(sys.argv[1])\n"
            "tasks = {}\n"
            "for service, task in hooks.Filters.CLI_DO_INIT_TASKS.iterate():\n"
            "    tasks.setdefault(service, []).append(env.render_str(conf, task))\n"
            "print(json.dumps({k: chr(10).join(v) for k, v in tasks.items()}))\n"
        )
        python = Path(TUTOR).with_name("python")
        env = {**os.environ, "TUTOR_ROOT": str(self.root)}
        result = subprocess.run([python, "-c", script, str(self.root)], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])


def render(root: Path, *settings: str) -> Project:
    tutor(root, "plugins", "enable", "mfe", "exams")
    tutor(root, "config", "save", *[arg for setting in settings for arg in ("--set", setting)])
    return Project(root)


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Project:
    if TUTOR is None:
        pytest.fail("tutor is not installed: run `make tutor-test`")
    return render(tmp_path_factory.mktemp("tutor-default"))


@pytest.fixture(scope="session")
def scaled(tmp_path_factory) -> Project:
    return render(
        tmp_path_factory.mktemp("tutor-scaled"),
        "EXAMS_HPA_ENABLED=true",
        "EXAMS_HPA_MAX_REPLICAS=9",
        "EXAMS_WEB_CPU_REQUEST=750m",
        "EXAMS_HOST=exams.example.org",
        "ENABLE_HTTPS=true",
        'EXAMS_EXTRA_ENV={"XQUEUE_LMS_TIMEOUT": "9"}',
    )
