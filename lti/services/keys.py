"""Platform signing keys: sign with the newest, publish the newest few so a rotation breaks no launch in flight."""

import json
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from lti_consumer.models import LtiConfiguration

from lti.models import PlatformKey

SIGNING_ALGORITHM = "RS256"


def _new_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def public_jwk(key: PlatformKey) -> dict:
    private = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return {**jwk, "kid": key.kid, "alg": SIGNING_ALGORITHM, "use": "sig"}


def current_key() -> PlatformKey:
    """The signing key, created on first use (one row under concurrent first use wins; both are valid)."""
    key = PlatformKey.objects.first()
    if key is None:
        key = rotate_keys()
    return key


def published_keys() -> list[PlatformKey]:
    return list(PlatformKey.objects.all()[: max(settings.LTI_PUBLISHED_KEY_COUNT, 1)])


def platform_jwks() -> dict:
    current_key()
    return {"keys": [public_jwk(key) for key in published_keys()]}


def sync_configuration_key(config: LtiConfiguration, key: PlatformKey | None = None) -> None:
    """Give a registration the current platform key (the library's token endpoint signs with it)."""
    key = key or current_key()
    LtiConfiguration.objects.filter(pk=config.pk).update(
        lti_1p3_internal_private_key=key.private_key_pem,
        lti_1p3_internal_private_key_id=key.kid,
        lti_1p3_internal_public_jwk=json.dumps(public_jwk(key)),
    )
    config.refresh_from_db()


@transaction.atomic
def rotate_keys() -> PlatformKey:
    """Create a new signing key; the previous ones stay published until they fall out of the window."""
    key = PlatformKey.objects.create(kid=str(uuid.uuid4()), private_key_pem=_new_pem())
    keep = [k.pk for k in PlatformKey.objects.all()[: max(settings.LTI_PUBLISHED_KEY_COUNT, 1)]]
    PlatformKey.objects.exclude(pk__in=keep).delete()
    for config in LtiConfiguration.objects.filter(version=LtiConfiguration.LTI_1P3, lti_1p3_proctoring_enabled=True):
        sync_configuration_key(config, key)
    return key
