"""The registered tool's public key: its PEM, or a key of its JWKS picked by `kid` (cached briefly).

The JWKS URL is fetched under the outgoing URL policy (exams_service/security/outgoing_urls.py).
"""

import json

import jwt
import requests
from django.conf import settings
from django.core.cache import cache

from exams_service.security import outgoing_urls
from lti.errors import LtiError


def _fetch_jwks(url: str, *, fresh: bool) -> dict:
    cache_key = f"lti:tool-jwks:{url}"
    jwks = None if fresh else cache.get(cache_key)
    if jwks is None:
        try:
            response = outgoing_urls.request("GET", url, allowed_hosts=None, timeout=5)
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            jwks = response.json()
            if not isinstance(jwks, dict):
                raise ValueError("not a JSON object")
        except (requests.RequestException, ValueError) as exc:
            raise LtiError(f"The tool's JWKS cannot be fetched from {url}.", 400) from exc
        cache.set(cache_key, jwks, settings.LTI_TOOL_KEYSET_CACHE_SECONDS)
    return jwks


def _pick(jwks: dict, kid: str | None):
    keys = [k for k in jwks.get("keys", []) if k.get("kty") == "RSA" and k.get("use", "sig") == "sig"]
    matching = [k for k in keys if kid and k.get("kid") == kid] or ([] if kid else keys[:1])
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(matching[0])) if matching else None


def tool_keys_for(config, kid: str | None) -> list:
    """Keys that may have signed a JWT of this tool: the one with `kid`, else every signing key of its set.

    Some tool libraries (pylti1p3's ServiceConnector) send a `kid` of their own making that their JWKS does not
    use; the signature must still verify with a key the tool registered.
    """
    try:
        return [tool_key_for(config, kid)]
    except LtiError:
        if not (kid and config.lti_1p3_tool_keyset_url):
            raise
    jwks = _fetch_jwks(config.lti_1p3_tool_keyset_url, fresh=False)
    keys = [_pick({"keys": [jwk]}, None) for jwk in jwks.get("keys", [])]
    keys = [key for key in keys if key is not None]
    if not keys:
        raise LtiError("The tool publishes no RSA signing key.")
    return keys


def tool_key_for(config, kid: str | None):
    """The key to verify a JWT of this tool; a JWKS is refetched once when `kid` is unknown (tool rotated)."""
    if config.lti_1p3_tool_keyset_url:
        key = _pick(_fetch_jwks(config.lti_1p3_tool_keyset_url, fresh=False), kid)
        if key is None:
            key = _pick(_fetch_jwks(config.lti_1p3_tool_keyset_url, fresh=True), kid)
        if key is not None:
            return key
        if not config.lti_1p3_tool_public_key:
            raise LtiError("The JWT is signed with a key the tool does not publish (unknown kid).")
    try:
        return jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).prepare_key(
            config.lti_1p3_tool_public_key
        )
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise LtiError("The tool's registered public key is not usable.") from exc
