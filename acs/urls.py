"""ACS route, mounted under `/lti/` (the path edx-exams advertises in the LtiStartProctoring `acs` claim)."""

from django.urls import path

from acs.views import AssessmentControlView

app_name = "acs"
urlpatterns = [path("<int:lti_config_id>/acs", AssessmentControlView.as_view(), name="acs")]
