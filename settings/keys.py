"""RSA keys for development and tests; production reads them from the environment."""

import json
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def new_private_jwk() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    jwk["kid"] = uuid.uuid4().hex[:16]
    return json.dumps(jwk)


def load_or_create_private_jwk(path: Path) -> str:
    """A key kept in a git-ignored file so dev tokens stay valid across restarts."""
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    jwk = new_private_jwk()
    path.write_text(jwk)
    return jwk
