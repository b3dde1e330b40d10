from django.urls import path

from legacy_router.views import LegacyRouterMetricsView

urlpatterns = [path("metrics", LegacyRouterMetricsView.as_view(), name="legacy-router-metrics")]
