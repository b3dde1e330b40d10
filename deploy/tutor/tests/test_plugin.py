"""The rendered docker compose files, Kubernetes manifests, init job and Open edX settings of tutor-contrib-exams."""

import json
import re
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization

SERVICES = ("exams", "exams-asgi", "exams-worker", "exams-beat", "exams-events")
REPO = Path(__file__).resolve().parents[3]


def by_kind(docs, kind):
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def test_compose_runs_web_asgi_workers_and_the_event_consumer(project):
    services = project.compose()["services"]
    for name in SERVICES:
        service = services[name]
        assert service["image"] == project.config().get("EXAMS_DOCKER_IMAGE", "docker.io/openedx-exams:22.0.0")
        assert service["env_file"] == "../plugins/exams/apps/exams.env"
        assert set(service["depends_on"]) == {"mysql", "redis"}
    assert services["exams"]["command"] == ["serve"]  # gunicorn, the image's default
    assert services["exams-asgi"]["command"][:3] == ["python", "manage.py", "run_asgi"]
    assert "8001" in services["exams-asgi"]["command"]
    assert services["exams-worker"]["command"][:4] == ["celery", "-A", "exams_service", "worker"]
    assert services["exams-beat"]["command"][:4] == ["celery", "-A", "exams_service", "beat"]
    events = services["exams-events"]["command"][2]
    assert "consume_events -t learning-course-access-role-lifecycle" in events and "$$HOSTNAME" in events
    assert "/health/" in " ".join(services["exams"]["healthcheck"]["test"])
    jobs = project.compose("docker-compose.jobs.yml")["services"]
    assert jobs["exams-job"]["env_file"] == "../plugins/exams/apps/exams.env"


def test_service_env_takes_databases_urls_and_lms_jwt_settings_from_tutor(project):
    config, env = project.config(), project.env_file()
    assert env["DJANGO_SETTINGS_MODULE"] == "settings.production"
    assert env["DATABASE_URL"] == f"mysql://exams:{config['EXAMS_MYSQL_PASSWORD']}@mysql:3306/exams"
    assert env["REDIS_URL"] == env["EVENT_BUS_REDIS_CONNECTION_URL"] == "redis://redis:6379/3"
    assert env["EXAMS_SERVICE_URL"] == "http://exams.local.openedx.io"
    assert env["LEARNING_MICROFRONTEND_URL"] == "http://apps.local.openedx.io/learning"
    assert "http://apps.local.openedx.io" in env["CORS_ALLOWED_ORIGINS"].split(",")
    assert env["BACKEND_SERVICE_EDX_OAUTH2_SECRET"] == config["EXAMS_OAUTH2_SECRET"]
    (issuer,) = json.loads(env["JWT_ISSUERS"])
    assert issuer == {
        "ISSUER": "http://local.openedx.io/oauth2",
        "AUDIENCE": "openedx",
        "SECRET_KEY": config["OPENEDX_SECRET_KEY"],
    }


def test_lms_tokens_signed_with_tutors_jwt_key_verify_with_our_jwk_set(project):
    """A JWT the LMS signs with Tutor's JWT_RSA_PRIVATE_KEY verifies with the JWK set we derived (nothing copied)."""
    config, env = project.config(), project.env_file()
    lms_key = serialization.load_pem_private_key(config["JWT_RSA_PRIVATE_KEY"].encode(), password=None)
    token = jwt.encode({"sub": "x", "exp": time.time() + 60}, lms_key, algorithm="RS512", headers={"kid": "openedx"})
    (jwk,) = json.loads(env["JWT_PUBLIC_SIGNING_JWK_SET"])["keys"]
    assert jwk["kid"] == "openedx"
    assert jwt.decode(token, jwt.PyJWK(jwk, algorithm="RS512").key, algorithms=["RS512"])["sub"] == "x"


def test_exam_access_tokens_we_sign_verify_in_the_lms_settings(project):
    env = project.env_file()
    private = jwt.PyJWK(json.loads(env["EXAM_ACCESS_TOKEN_PRIVATE_JWK"]), algorithm="RS512")
    token = jwt.encode({"lms_user_id": 3}, private.key, algorithm="RS512")
    lms = project.read("apps", "openedx", "settings", "lms", "production.py")
    compile(lms, "lms/production.py", "exec")
    public_set = re.search(r'TOKEN_SIGNING\["JWT_PUBLIC_SIGNING_JWK_SET"\] = (".*")', lms).group(1)
    (jwk,) = json.loads(json.loads(public_set))["keys"]
    assert jwt.decode(token, jwt.PyJWK(jwk, algorithm="RS512").key, algorithms=["RS512"]) == {"lms_user_id": 3}


def test_lms_cms_and_mfe_settings_send_exams_traffic_here(project):
    config = project.config()
    lms = project.read("apps", "openedx", "settings", "lms", "production.py")
    cms = project.read("apps", "openedx", "settings", "cms", "production.py")
    compile(cms, "cms/production.py", "exec")
    for settings in (lms, cms):
        assert 'EXAMS_SERVICE_URL = "http://exams:8000/api/v1"' in settings
        assert 'EXAMS_SERVICE_USERNAME = "edx_exams_worker"' in settings
        assert 'FEATURES["ENABLE_SPECIAL_EXAMS"] = True' in settings
    assert '"url": "http://exams:8000"' in lms
    assert f'"password": "{config["EXAMS_XQUEUE_LMS_SECRET"]}"' in lms
    assert 'MFE_CONFIG["EXAMS_BASE_URL"] = "http://exams.local.openedx.io"' in lms
    watcher = json.loads(project.read("plugins", "exams", "apps", "xqueue-watcher", "exams.json"))
    assert watcher["exams"]["AUTH"] == ["watcher", config["EXAMS_XQUEUE_WATCHER_SECRET"]]


def test_caddy_routes_http_to_gunicorn_and_websockets_to_asgi(project):
    caddy = project.read("apps", "caddy", "Caddyfile")
    site = caddy[caddy.index("exams.local.openedx.io{$default_site_port}") :]
    assert "reverse_proxy /ws/* exams-asgi:8001" in site and 'import proxy "exams:8000"' in site


def test_init_job_creates_database_service_user_oauth_client_and_migrates(project):
    config, tasks = project.config(), project.init_tasks()
    assert "CREATE DATABASE IF NOT EXISTS exams" in tasks["mysql"]
    assert f'IDENTIFIED BY "{config["EXAMS_MYSQL_PASSWORD"]}"' in tasks["mysql"]
    assert "manage_user edx_exams_worker" in tasks["lms"] and "--staff" in tasks["lms"]
    assert "create_dot_application --grant-type client-credentials" in tasks["lms"]
    assert f'--client-secret "{config["EXAMS_OAUTH2_SECRET"]}"' in tasks["lms"]
    assert "waffle_flag --create --everyone course_apps.exams_ida" in tasks["lms"]
    assert "python manage.py migrate --noinput" in tasks["exams"]
    command = 'XQUEUE_ACCOUNT_SECRET="{}" python manage.py xqueue_create_account {}'
    assert command.format(config["EXAMS_XQUEUE_LMS_SECRET"], "lms lms") in tasks["exams"]
    assert command.format(config["EXAMS_XQUEUE_WATCHER_SECRET"], "grader watcher") in tasks["exams"]
    assert "--password" not in tasks["exams"]  # PBKDF2 per login would time watchers out


def test_xqueue_secrets_are_generated_fit_for_the_fast_hasher(project):
    """64 random letters and digits each: what `xqueue_create_account --secret` accepts (>= 43, varied)."""
    config = project.config()
    secrets = [config["EXAMS_XQUEUE_LMS_SECRET"], config["EXAMS_XQUEUE_WATCHER_SECRET"]]
    assert secrets[0] != secrets[1]
    for secret in secrets:
        assert len(secret) == 64 and secret.isalnum() and len(set(secret)) >= 12


def test_kubernetes_deployments_services_job_and_probes(project):
    docs = project.kustomize()
    deployments = by_kind(docs, "Deployment")
    assert set(SERVICES) <= set(deployments)
    assert not {name for name in by_kind(docs, "HorizontalPodAutoscaler") if name.startswith("exams")}
    for name in SERVICES:
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        assert container["envFrom"][0]["configMapRef"]["name"].startswith("exams-env")
    for name, port in (("exams", 8000), ("exams-asgi", 8001)):
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        probe = container["readinessProbe"]["httpGet"]
        assert probe["path"] == "/health/" and probe["port"] == port
        assert {"name": "Host", "value": "exams"} in probe["httpHeaders"]  # a host DJANGO_ALLOWED_HOSTS accepts
        assert container["livenessProbe"]["tcpSocket"]["port"] == port
    (asgi,) = deployments["exams-asgi"]["spec"]["template"]["spec"]["containers"]
    assert asgi["args"][:3] == ["python", "manage.py", "run_asgi"]
    assert deployments["exams-beat"]["spec"]["strategy"]["type"] == "Recreate"  # never two beats
    services = by_kind(docs, "Service")
    assert services["exams"]["spec"]["ports"][0]["port"] == 8000
    assert services["exams-asgi"]["spec"]["ports"][0]["port"] == 8001
    (job,) = by_kind(docs, "Job")["exams-job"]["spec"]["template"]["spec"]["containers"]
    assert job["envFrom"][0]["configMapRef"]["name"].startswith("exams-env")
    (config_map,) = [
        doc for doc in docs if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].startswith("exams-env")
    ]
    assert config_map["data"]["DJANGO_SETTINGS_MODULE"] == "settings.production"


def test_settings_overridden_with_config_save_set_reach_every_manifest(scaled):
    docs = scaled.kustomize()
    autoscalers = by_kind(docs, "HorizontalPodAutoscaler")
    for name in ("exams", "exams-asgi", "exams-worker"):
        spec = autoscalers[name]["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert spec["maxReplicas"] == 9
    assert "exams-beat" not in autoscalers and "exams-events" not in autoscalers
    (web,) = by_kind(docs, "Deployment")["exams"]["spec"]["template"]["spec"]["containers"]
    assert web["resources"]["requests"]["cpu"] == "750m"
    env = scaled.env_file()
    assert env["EXAMS_SERVICE_URL"] == "https://exams.example.org"
    assert env["SESSION_COOKIE_SECURE"] == "true" and env["SESSION_COOKIE_SAMESITE"] == "None"
    assert env["XQUEUE_LMS_TIMEOUT"] == "9"
    assert "exams.example.org{$default_site_port}" in scaled.read("apps", "caddy", "Caddyfile")


def test_the_image_is_built_from_the_repositorys_dockerfile(project):
    marker = "# --- the image (shared with deploy/tutor/tutorexams/templates/exams/build/exams/Dockerfile) ---\n"
    ours = (REPO / "Dockerfile").read_text().split(marker, 1)[1]
    rendered = project.read("plugins", "exams", "build", "exams", "Dockerfile")
    assert rendered.split(marker, 1)[1].strip() == ours.strip()
    assert "FROM scratch AS exams-src" not in rendered  # no EXAMS_REPOSITORY: source from `tutor mounts add`
