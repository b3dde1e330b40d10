"""The exams service as an LTI 1.3 platform for IMS Proctoring Services (docs/lti.md)."""
