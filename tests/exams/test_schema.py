"""OpenAPI: the schema and Swagger UI are served, and generating the schema raises no warning or error."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def generate():
    """Run the generator like `manage.py spectacular --validate --fail-on-warn`; return (schema, warnings)."""
    GENERATOR_STATS.reset()
    messages = []
    original_emit = GENERATOR_STATS.emit

    def emit(msg, severity):
        messages.append((severity, msg))
        original_emit(msg, severity)

    GENERATOR_STATS.emit = emit
    try:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)
    finally:
        GENERATOR_STATS.emit = original_emit
    return schema, messages


@pytest.mark.django_db
def test_schema_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/providers/", "/api/v1/exams/course_id/{course_id}/", "/health/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["LmsJwt"]["name"] == "Authorization"


@pytest.mark.django_db
def test_swagger_ui(client):
    response = client.get("/api-docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_whole_schema_has_no_warnings():
    _, messages = generate()
    assert messages == []


def test_every_api_route_is_documented():
    schema, _ = generate()
    paths = schema["paths"]
    for expected in (
        "/api/v1/exams/course_id/{course_id}/",
        "/api/v1/configs/course_id/{course_id}/",
        "/api/v1/providers/",
        "/health/",
        "/csrf/api/v1/token",
    ):
        assert expected in paths
    assert set(paths["/api/v1/exams/course_id/{course_id}/"]) >= {"get", "patch"}
    assert paths["/api/v1/providers/"]["get"]["security"] == [{"LmsJwt": []}, {}]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api-docs/", "/api-docs/redoc/"])
def test_api_docs_load_their_assets_from_the_project_not_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content and b"/static/drf_spectacular_sidecar/" in response.content
