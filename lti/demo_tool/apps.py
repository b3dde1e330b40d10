from django.apps import AppConfig


class DemoToolConfig(AppConfig):
    name = "lti.demo_tool"
    label = "lti_demo_tool"
    verbose_name = "LTI demo proctoring tool (local only)"
