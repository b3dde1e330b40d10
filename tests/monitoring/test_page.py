"""The dashboard page's access rules (the browser test covers its behaviour)."""


def _cookies(client, user):
    from exams.services.dev_tokens import dev_jwt_for

    header_payload, signature = dev_jwt_for(user).rsplit(".", 1)
    client.cookies["edx-jwt-cookie-header-payload"] = header_payload
    client.cookies["edx-jwt-cookie-signature"] = signature
    return client


def test_page_is_for_course_staff_signed_in_with_the_jwt_cookie(client, course_staff, learner, timed_exam):
    url = f"/monitoring/exams/{timed_exam.pk}/"
    assert client.get(url).status_code == 401
    assert _cookies(client, learner).get(url).status_code == 403
    page = _cookies(client, course_staff).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'"examId": {timed_exam.pk}' in body and "/ws_ticket" in body and "exams_csrftoken" in page.cookies
    assert _cookies(client, course_staff).get("/monitoring/exams/999999/").status_code == 404


def test_ticket_from_the_page_needs_the_csrf_token_with_cookie_auth(client, course_staff, timed_exam):
    from rest_framework.test import APIClient

    api = _cookies(APIClient(enforce_csrf_checks=True), course_staff)
    url = f"/api/v1/proctoring/monitor/exams/{timed_exam.pk}/ws_ticket"
    assert api.post(url).status_code == 403
    token = api.get(f"/monitoring/exams/{timed_exam.pk}/").cookies["exams_csrftoken"].value
    assert api.post(url, HTTP_X_CSRFTOKEN=token).status_code == 200
