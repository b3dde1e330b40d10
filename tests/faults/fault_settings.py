"""Settings of the real processes the fault suite starts: base settings from the environment (database, broker,
short sweep intervals), the test suite's JWT issuer so the test process can mint learners' tokens."""

from settings.base import *  # noqa: F401,F403
from settings.base import LOGGING
from settings.keys import new_private_jwk
from settings.test import JWT_AUTH  # noqa: F401 - the issuer tests sign with

DEBUG = False
ALLOWED_HOSTS = ["*"]
EXAM_ACCESS_TOKENS = {**EXAM_ACCESS_TOKENS, "PRIVATE_JWK": new_private_jwk()}  # noqa: F405
LOGGING["root"]["level"] = "INFO"
