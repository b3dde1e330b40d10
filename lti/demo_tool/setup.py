"""The demo tool's key and its registration as the `demo_proctoring` provider (called by load_demo_data)."""

import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from lti.services.registration import register_tool, vendor_values

PROVIDER = "demo_proctoring"
KID = "demo-tool-key"


def private_key():
    path = Path(settings.LTI_DEMO_TOOL_KEY_PATH)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def jwks() -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key().public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}


def tool_url(path: str) -> str:
    return f"{settings.LTI_API_BASE}/lti/demo_tool/{path}"


def register_demo_tool():
    config = register_tool(
        provider_name=PROVIDER,
        verbose_name="Demo Proctoring",
        oidc_url=tool_url("login"),
        launch_url=tool_url("launch"),
        tool_keyset_url=tool_url("jwks"),
    )
    return vendor_values(config)


def sign(claims: dict) -> str:
    now = int(time.time())
    claims = {"iat": now, "exp": now + 300, "nonce": uuid.uuid4().hex, "jti": uuid.uuid4().hex, **claims}
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": KID})
