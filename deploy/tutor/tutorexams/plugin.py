"""Tutor plugin of the exams service: images, services, init job, routes and the Open edX settings that use it."""

from __future__ import annotations

import json
from pathlib import Path

from Crypto.PublicKey import RSA
from tutor import hooks

from .__about__ import __version__
from .jwk import private_jwk, public_jwk_set

HERE = Path(__file__).parent

hooks.Filters.CONFIG_DEFAULTS.add_items(
    [
        ("EXAMS_VERSION", __version__),
        ("EXAMS_DOCKER_IMAGE", "{{ DOCKER_REGISTRY }}openedx-exams:{{ EXAMS_VERSION }}"),
        ("EXAMS_REPOSITORY", ""),  # git URL of this repository; empty: `tutor mounts add /path/to/exams-service`
        ("EXAMS_REPOSITORY_VERSION", "main"),
        ("EXAMS_HOST", "exams.{{ LMS_HOST }}"),
        ("EXAMS_MFE_HOST", "apps.{{ LMS_HOST }}"),
        ("EXAMS_LMS_ROOT_URL", "{{ 'https' if ENABLE_HTTPS else 'http' }}://{{ LMS_HOST }}"),
        ("EXAMS_MYSQL_DATABASE", "exams"),
        ("EXAMS_MYSQL_USERNAME", "exams"),
        ("EXAMS_REDIS_DB", 3),
        ("EXAMS_SERVICE_USERNAME", "edx_exams_worker"),
        ("EXAMS_OAUTH2_KEY", "exams-legacy-router"),
        ("EXAMS_ENABLE_FOR_ALL_COURSES", True),
        ("EXAMS_EVENT_BUS_TOPIC_PREFIX", "openedx"),
        ("EXAMS_XQUEUE_NAME", "exams-grader"),
        ("EXAMS_GUNICORN_WORKERS", 3),
        ("EXAMS_ASGI_WORKERS", 2),
        ("EXAMS_WORKER_CONCURRENCY", 2),
        ("EXAMS_WEB_REPLICAS", 1),
        ("EXAMS_ASGI_REPLICAS", 1),
        ("EXAMS_WORKER_REPLICAS", 1),
        ("EXAMS_HPA_ENABLED", False),
        ("EXAMS_HPA_MAX_REPLICAS", 6),
        ("EXAMS_HPA_CPU_PERCENT", 70),
        ("EXAMS_WEB_CPU_REQUEST", "250m"),
        ("EXAMS_WEB_MEMORY_REQUEST", "384Mi"),
        ("EXAMS_ASGI_CPU_REQUEST", "250m"),
        ("EXAMS_ASGI_MEMORY_REQUEST", "256Mi"),
        ("EXAMS_WORKER_CPU_REQUEST", "100m"),
        ("EXAMS_WORKER_MEMORY_REQUEST", "256Mi"),
        ("EXAMS_MEMORY_LIMIT", "1Gi"),
        ("EXAMS_EXTRA_ENV", {}),
    ]
)
hooks.Filters.CONFIG_UNIQUE.add_items(
    [
        ("EXAMS_SECRET_KEY", "{{ 50|random_string }}"),
        ("EXAMS_MYSQL_PASSWORD", "{{ 16|random_string }}"),
        ("EXAMS_OAUTH2_SECRET", "{{ 32|random_string }}"),
        # xqueue accounts: generated secrets, stored with the fast keyed hasher (a watcher logs in within its 1 s)
        ("EXAMS_XQUEUE_LMS_SECRET", "{{ 64|random_string }}"),
        ("EXAMS_XQUEUE_WATCHER_SECRET", "{{ 64|random_string }}"),
        ("EXAMS_ACCESS_TOKEN_PRIVATE_KEY", "{{ 2048|rsa_private_key }}"),
    ]
)

# Jinja filters: JWKs from PEM keys Tutor keeps in config.yml (no key is copied by hand).
hooks.Filters.ENV_TEMPLATE_FILTERS.add_items(
    [
        ("exams_private_jwk", lambda pem: json.dumps(private_jwk(RSA.import_key(pem), kid="exams-access-token"))),
        ("exams_public_jwk_set", lambda pem, kid: json.dumps(public_jwk_set(RSA.import_key(pem), kid=kid))),
    ]
)

hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(HERE / "templates"))
hooks.Filters.ENV_TEMPLATE_TARGETS.add_items([("exams/build", "plugins"), ("exams/apps", "plugins")])

for path in sorted((HERE / "patches").iterdir()):
    hooks.Filters.ENV_PATCHES.add_item((path.name, path.read_text()))

# Init job: database and user on Tutor's MySQL, the LMS service user and OAuth2 client, then our migrations.
for service in ("mysql", "lms", "exams"):
    task = (HERE / "templates" / "exams" / "tasks" / f"{service}-init.sh").read_text()
    hooks.Filters.CLI_DO_INIT_TASKS.add_item((service, task))

hooks.Filters.IMAGES_BUILD.add_item(("exams", ("plugins", "exams", "build", "exams"), "{{ EXAMS_DOCKER_IMAGE }}", ()))
hooks.Filters.IMAGES_PULL.add_item(("exams", "{{ EXAMS_DOCKER_IMAGE }}"))
hooks.Filters.IMAGES_PUSH.add_item(("exams", "{{ EXAMS_DOCKER_IMAGE }}"))
hooks.Filters.IMAGES_BUILD_REQUIRED.add_item("exams")  # `tutor local launch` builds it


# `tutor mounts add /path/to/exams-service`: build the image from that checkout (stage `exams-src`) instead of git.
@hooks.Filters.IMAGES_BUILD_MOUNTS.add()
def _source_checkout(mounts: list[tuple[str, str]], path: str) -> list[tuple[str, str]]:
    return [*mounts, ("exams", "exams-src")] if Path(path).name == "exams-service" else mounts


hooks.Filters.APP_PUBLIC_HOSTS.add_item("{{ EXAMS_HOST }}")
