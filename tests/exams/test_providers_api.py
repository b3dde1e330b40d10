"""`providers` / `provider`: the public list of proctoring providers (contract §3.4(5))."""

import pytest

from exams.models import ProctoringProvider


@pytest.fixture
def providers(db):
    for name, org in (("zeta_any", None), ("alpha_edx", "edX"), ("beta_mitx", "MITx")):
        ProctoringProvider.objects.create(
            name=name, verbose_name=name.title(), lti_configuration_id=str(len(name)), org_key=org
        )


@pytest.mark.django_db
class TestProviders:
    @pytest.mark.parametrize("path", ["providers", "provider", "providers/"])
    def test_anonymous_lists_all(self, clients, providers, path):
        response = clients.anonymous.get(f"/api/v1/{path}")
        assert response.status_code == 200
        assert response.json() == [
            {"name": "alpha_edx", "verbose_name": "Alpha_Edx", "lti_configuration_id": "9"},
            {"name": "beta_mitx", "verbose_name": "Beta_Mitx", "lti_configuration_id": "9"},
            {"name": "zeta_any", "verbose_name": "Zeta_Any", "lti_configuration_id": "8"},
        ]

    @pytest.mark.parametrize("role", ["learner", "other_course_staff", "course_staff", "global_staff"])
    def test_every_authenticated_role(self, clients, auth_matrix, providers, role):
        response = clients.of(auth_matrix[role]).get("/api/v1/providers")
        assert response.status_code == 200
        assert len(response.json()) == 3

    @pytest.mark.parametrize(
        "org,names",
        [("edX", ["alpha_edx", "zeta_any"]), ("MITx", ["beta_mitx", "zeta_any"]), ("nobody", ["zeta_any"])],
    )
    def test_org_filter_matches_org_or_no_org(self, clients, providers, org, names):
        response = clients.anonymous.get("/api/v1/providers", {"org": org})
        assert [provider["name"] for provider in response.json()] == names

    def test_empty(self, clients, db):
        response = clients.anonymous.get("/api/v1/provider")
        assert (response.status_code, response.json()) == (200, [])

    @pytest.mark.parametrize("header", ["JWT garbage", "JWT a.b.c", "JWT"])
    def test_malformed_jwt_header_is_still_401(self, clients, providers, header):
        response = clients.anonymous.get("/api/v1/providers", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert "detail" in response.json()

    def test_garbage_token_detail(self, clients, providers):
        response = clients.anonymous.get("/api/v1/providers", HTTP_AUTHORIZATION="JWT garbage")
        assert response.json() == {"detail": "Error decoding token."}

    def test_post_not_allowed(self, clients, global_staff):
        response = clients.of(global_staff).post("/api/v1/providers", {}, format="json")
        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "POST" not allowed.'}
