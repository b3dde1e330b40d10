"""`/lti/` routes: ours (namespace `lti`), then lti_consumer's plugin routes (namespace `lti_consumer`).

Our launch gate, platform JWKS and start-assessment views are stricter replacements served at the library's
own paths, so tools registered against edx-exams keep their URLs; its token endpoint is used as is.
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
    path("lti_consumer/v1/start_proctoring_assessment", views.StartAssessmentView.as_view(), name="start_assessment"),
]

urlpatterns = [
    path("", include((lti_patterns, "lti"))),
    path("", include("lti_consumer.plugin.urls")),
]
