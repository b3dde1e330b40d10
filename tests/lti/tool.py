"""An independent LTI 1.3 proctoring TOOL (pylti1p3 + PyJWT) served on loopback by werkzeug, and a browser.

The tool validates our id_tokens with pylti1p3 (state, nonce, registration, kid/alg JWKS signature,
deployment) plus the proctoring claims, and answers LtiStartProctoring with a signed LtiStartAssessment.
"""

import json
import re
import threading
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.cookie import CookieService
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfDict
from werkzeug.serving import make_server
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response as WsgiResponse

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LTI_AP = "https://purl.imsglobal.org/spec/lti-ap/claim/"


def new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key, private: bool) -> str:
    if private:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def start_assessment_claims(*, client_id: str, issuer: str, launch: dict, end_assessment_return: bool) -> dict:
    """The claims of an LtiStartAssessment message answering the LtiStartProctoring launch `launch`."""
    now = int(time.time())
    return {
        "iss": client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + 300,
        "nonce": uuid.uuid4().hex,
        "jti": uuid.uuid4().hex,
        LTI + "message_type": "LtiStartAssessment",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": launch[LTI + "deployment_id"],
        LTI + "resource_link": launch[LTI + "resource_link"],
        LTI_AP + "session_data": launch[LTI_AP + "session_data"],
        LTI_AP + "attempt_number": launch[LTI_AP + "attempt_number"],
        LTI_AP + "end_assessment_return": end_assessment_return,
    }


class _Request(Request):
    def __init__(self, wsgi_request, session):
        self._wsgi = wsgi_request
        self._session = session

    @property
    def session(self):
        return self._session

    def is_secure(self):
        return False

    def get_param(self, key):
        return self._wsgi.form.get(key) or self._wsgi.args.get(key)


class _Cookies(CookieService):
    def __init__(self, wsgi_request):
        self._wsgi = wsgi_request
        self.to_set = []

    def _name(self, name):
        return f"{self._cookie_prefix}-{name}"

    def get_cookie(self, name):
        return self._wsgi.cookies.get(self._name(name))

    def set_cookie(self, name, value, exp=3600):
        self.to_set.append((self._name(name), str(value), exp))


class _Redirect(Redirect):
    def __init__(self, location, cookies):
        self._location = location
        self._cookies = cookies

    def do_redirect(self):
        response = WsgiResponse(status=302, headers={"Location": self._location})
        for name, value, exp in self._cookies.to_set:
            response.set_cookie(name, value, max_age=exp, path="/")
        return response

    do_js_redirect = do_redirect

    def set_redirect_url(self, location):
        self._location = location

    def get_redirect_url(self):
        return self._location


class _Login(OIDCLogin):
    def get_redirect(self, url):
        return _Redirect(url, self._cookie_service)


class _Launch(MessageLaunch):
    def _get_request_param(self, key):
        return self._request.get_param(key)

    def validate_message(self):
        body = self._get_jwt_body()
        message_type = body.get(LTI + "message_type")
        if message_type not in ("LtiStartProctoring", "LtiEndAssessment", "LtiResourceLinkRequest"):
            raise LtiException(f"Unrecognized message type {message_type}")
        if not body.get("sub") or body.get(LTI + "version") != "1.3.0" or body.get(LTI + "roles") is None:
            raise LtiException("sub, version and roles are required")
        if not (body.get(LTI + "resource_link") or {}).get("id"):
            raise LtiException("resource_link.id is required")
        if message_type != "LtiResourceLinkRequest" and not isinstance(body.get(LTI_AP + "attempt_number"), int):
            raise LtiException("attempt_number is required")
        if message_type == "LtiStartProctoring":
            for claim in ("start_assessment_url", "session_data"):
                if not body.get(LTI_AP + claim):
                    raise LtiException(f"{claim} is required")
        return self


class Tool:
    """The tool process: `start()` serves it; `register()` gives it the platform's values."""

    def __init__(self):
        self.key = new_rsa_key()
        self.kid = "tool-" + uuid.uuid4().hex[:8]
        self.session = {}
        self.launches = []  # validated id_token bodies
        self.errors = []
        self.tamper = {}  # merged into the next LtiStartAssessment JWT
        self.end_assessment_return = True
        self.sign_with = None  # another private key, to test foreign signatures
        self.platform = None

    # --- process ------------------------------------------------------------------------------------
    def start(self):
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()

    def register(self, platform: dict):
        self.platform = platform
        self.config = ToolConfDict(
            {
                platform["issuer"]: [
                    {
                        "default": True,
                        "client_id": platform["client_id"],
                        "auth_login_url": platform["auth_login_url"],
                        "auth_token_url": platform["token_url"],
                        "key_set_url": platform["jwks_url"],
                        "deployment_ids": [platform["deployment_id"]],
                    }
                ]
            }
        )
        self.config.set_private_key(platform["issuer"], pem(self.key, True), client_id=platform["client_id"])
        self.config.set_public_key(platform["issuer"], pem(self.key, False), client_id=platform["client_id"])

    @property
    def jwks(self):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # --- WSGI ---------------------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = WsgiRequest(environ)
        handler = {"/jwks": self._jwks, "/login": self._login, "/launch": self._launch}.get(request.path)
        try:
            response = handler(request) if handler else WsgiResponse("not found", status=404)
        except LtiException as exc:
            self.errors.append(str(exc))
            response = WsgiResponse(f"tool rejected the launch: {exc}", status=400)
        return response(environ, start_response)

    def _jwks(self, request):
        return WsgiResponse(json.dumps(self.jwks), content_type="application/json")

    def _login(self, request):
        cookies = _Cookies(request)
        login = _Login(
            _Request(request, self.session), self.config, SessionService(_Request(request, self.session)), cookies
        )
        return login.disable_check_cookies().redirect(self.url + "/launch")

    def _launch(self, request):
        tool_request = _Request(request, self.session)
        launch = _Launch(
            tool_request, self.config, session_service=SessionService(tool_request), cookie_service=_Cookies(request)
        )
        body = launch.get_launch_data()
        header = jwt.get_unverified_header(request.form["id_token"])
        self.launches.append({"header": header, "body": body, "id_token": request.form["id_token"]})
        message_type = body[LTI + "message_type"]
        if message_type == "LtiStartProctoring":
            return self._auto_post(body[LTI_AP + "start_assessment_url"], {"JWT": self.start_assessment_jwt(body)})
        if message_type == "LtiEndAssessment":
            return WsgiResponse(status=302, headers={"Location": body[LTI + "launch_presentation"]["return_url"]})
        return WsgiResponse("instructor dashboard", status=200)

    def start_assessment_jwt(self, body: dict) -> str:
        claims = start_assessment_claims(
            client_id=self.platform["client_id"],
            issuer=self.platform["issuer"],
            launch=body,
            end_assessment_return=self.end_assessment_return,
        )
        claims[LTI_AP + "verified_user"] = {"name": "Lee Learner"}
        claims.update(self.tamper)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.sign_with or self.key
        return jwt.encode(claims, pem(key, True), algorithm="RS256", headers={"kid": self.kid})

    @staticmethod
    def _auto_post(action, fields):
        inputs = "".join(f'<input type="hidden" name="{k}" value="{v}"/>' for k, v in fields.items())
        html = f'<form id="lti-launch" method="post" action="{action}">{inputs}</form><script>submit()</script>'
        return WsgiResponse(html, content_type="text/html")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


class Browser:
    """A requests.Session that follows redirects and auto-submits LTI forms, never leaving loopback."""

    def __init__(self):
        self.http = requests.Session()
        self.hops = []
        self.posts = []  # (url, form data) of every POST, e.g. to replay the tool's LtiStartAssessment

    def go(self, url, method="GET", data=None, headers=None, max_hops=12):
        response = None
        for _ in range(max_hops):
            if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
                self.hops.append(("LEFT", url))
                return response
            if method == "POST":
                self.posts.append((url, dict(data or {})))
            response = self.http.request(method, url, data=data, headers=headers, allow_redirects=False, timeout=10)
            self.hops.append((method, url, response.status_code))
            headers = None
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                continue
            if response.status_code == 200 and re.search(r'<form[^>]+id="lti-launch"', response.text):
                parser = _FormParser()
                parser.feed(response.text)
                url, method, data = urljoin(url, parser.action), "POST", parser.fields
                continue
            return response
        raise AssertionError(f"too many hops: {self.hops}")

    @property
    def last_url(self):
        return self.hops[-1][1]
