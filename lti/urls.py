"""`/lti/` routes. Only what the service uses is mounted; lti_consumer's plugin routes (deep linking, AGS, NRPS,
launch by usage id...) are not, so they answer 404. Every pattern is anchored (`path`, or `^...$`).

The launch gate, platform JWKS, token endpoint and start-assessment views are ours, served at the library's own
paths so tools registered against edx-exams keep their URLs. The token route is also named in the library's
namespace (`lti_consumer:lti_consumer.access_token`), the name edx-exams tooling reverses.
"""

from django.urls import include, path, re_path

from lti import views

lti_patterns = [
    path("start_proctoring/<int:attempt_id>", views.StartProctoringView.as_view(), name="start_proctoring"),
    path("end_assessment/<int:attempt_id>", views.EndAssessmentView.as_view(), name="end_assessment"),
    path("exam/<int:exam_id>/instructor_tool", views.InstructorToolView.as_view(), name="instructor_tool"),
    path("exam/<int:exam_id>/instructor_tool/roster", views.RosterView.as_view(), name="roster"),
    re_path(r"^lti_consumer/v1/launch/(?:/(?P<suffix>.*))?$", views.LaunchGateView.as_view(), name="launch_gate"),
    path("lti_consumer/v1/public_keysets/<uuid:lti_config_id>", views.PlatformJwksView.as_view(), name="jwks"),
    path("lti_consumer/v1/token/<uuid:lti_config_id>", views.AccessTokenView.as_view(), name="access_token"),
    path("lti_consumer/v1/start_proctoring_assessment", views.StartAssessmentView.as_view(), name="start_assessment"),
]

library_names = [
    path(
        "lti_consumer/v1/token/<uuid:lti_config_id>", views.AccessTokenView.as_view(), name="lti_consumer.access_token"
    ),
]

urlpatterns = [
    path("", include((lti_patterns, "lti"))),
    path("", include((library_names, "lti_consumer"))),
]
