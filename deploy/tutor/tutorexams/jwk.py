"""RSA keys (pycryptodome, a Tutor dependency) as JSON Web Keys."""

import base64


def _b64(number: int) -> str:
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk_set(key, *, kid: str) -> dict:
    return {"keys": [{"kid": kid, "kty": "RSA", "use": "sig", "e": _b64(key.e), "n": _b64(key.n)}]}


def private_jwk(key, *, kid: str) -> dict:
    p, q, d = key.p, key.q, key.d
    parts = {"d": d, "p": p, "q": q, "dp": d % (p - 1), "dq": d % (q - 1), "qi": pow(q, -1, p)}
    return {"kid": kid, "kty": "RSA", "e": _b64(key.e), "n": _b64(key.n), **{k: _b64(v) for k, v in parts.items()}}
