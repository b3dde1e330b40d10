"""Generated secrets of service accounts (xqueue graders, the LMS) and their fast keyed hasher.

A generated secret carries 256 random bits, so no guessing, offline or online, can find it, and key stretching
(PBKDF2's ~0.5 s per login) buys nothing while it makes watcher logins time out on a busy machine. Such a
secret is stored as HMAC-SHA256 under a server-side key (SERVICE_SECRET_HASH_KEY, else one derived from
SECRET_KEY): a stolen hash alone cannot even be checked against a guess, and a login costs microseconds.

Human passwords never reach this hasher: it is never first in PASSWORD_HASHERS (exams.E009), it refuses to
encode anything shorter than a generated secret, and `User.check_password` never re-hashes its hashes (Django's
upgrade to the default hasher would make the next login slow again; docs/security.md).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, make_password
from django.utils.crypto import constant_time_compare

ALGORITHM = "service_hmac_sha256"
HASHER = "exams_service.security.service_secrets.ServiceSecretHasher"
SECRET_BYTES = 32  # 256 bits
MIN_SECRET_LENGTH = 43  # len(secrets.token_urlsafe(32)): nothing shorter is a generated secret
_KEY_LABEL = b"exams_service.security.service_secrets"


def new_secret() -> str:
    """A fresh random secret (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(SECRET_BYTES)


_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
MIN_DISTINCT_CHARACTERS = 12  # a 43-character random URL-safe string has about 30, 64 hex digits 16


def looks_generated(secret: str) -> bool:
    """Whether a secret supplied from elsewhere (e.g. a Tutor config value) can be a random machine-made one:
    at least MIN_SECRET_LENGTH URL-safe characters, not a short pattern repeated (a passphrase is refused)."""
    return len(secret) >= MIN_SECRET_LENGTH and set(secret) <= _URL_SAFE and len(set(secret)) >= MIN_DISTINCT_CHARACTERS


def make_secret_hash(secret: str) -> str:
    """The stored form of a generated secret (this hasher, whatever PASSWORD_HASHERS prefers)."""
    return make_password(secret, hasher=ALGORITHM)


def is_secret_hash(encoded: str | None) -> bool:
    return bool(encoded) and encoded.startswith(ALGORITHM + "$")


def check_secret(secret: str, encoded: str) -> bool:
    """Whether `secret` matches a stored secret hash; never re-hashes it (no upgrade setter)."""
    return ServiceSecretHasher().verify(secret, encoded)


def _key() -> bytes:
    configured = getattr(settings, "SERVICE_SECRET_HASH_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_LABEL, hashlib.sha256).digest()


class ServiceSecretHasher(BasePasswordHasher):
    """`service_hmac_sha256$<salt>$<hex HMAC-SHA256(key, salt$secret)>`; only for generated secrets."""

    algorithm = ALGORITHM

    def encode(self, password, salt):
        self._check_encode_args(password, salt)
        if len(password) < MIN_SECRET_LENGTH:
            raise ValueError("the service-secret hasher only stores generated secrets, not human passwords")
        return f"{self.algorithm}${salt}${self._digest(password, salt)}"

    def _digest(self, password: str, salt: str) -> str:
        return hmac.new(_key(), f"{salt}${password}".encode(), hashlib.sha256).hexdigest()

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password, encoded):
        try:
            decoded = self.decode(encoded)
        except ValueError:
            return False
        if not isinstance(password, str) or len(password) < MIN_SECRET_LENGTH:
            return False
        return constant_time_compare(self._digest(password, decoded["salt"]), decoded["hash"])

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": decoded["salt"][:4] + "…", "hash": "…"}

    def must_update(self, encoded):
        return False

    def harden_runtime(self, password, encoded):
        pass  # nothing to equalise: every secret hash costs the same
