"""Properties of the cross-site policy for state-changing navigations (exams_service/security/cross_site.py)."""

from hypothesis import given
from hypothesis import strategies as st

from exams_service.security.cross_site import origin_of, refusal_reason

TRUSTED = ["https://exams.example", "https://apps.example", "http://localhost:2000"]
sites = st.sampled_from(["same-origin", "same-site", "cross-site", "none"])
modes = st.sampled_from(["navigate", "no-cors", "cors", "same-origin", "websocket"])
dests = st.sampled_from(["document", "image", "iframe", "frame", "empty", "script", "style", "object", "embed"])
hosts = st.from_regex(r"[a-z]{1,10}\.(example|test|com)", fullmatch=True)
untrusted = hosts.map(lambda host: f"https://{host}").filter(lambda origin: origin not in TRUSTED)


@given(site=sites, mode=modes, dest=dests, referer=st.one_of(st.none(), st.sampled_from(TRUSTED), untrusted))
def test_anything_but_a_top_level_navigation_is_refused(site, mode, dest, referer):
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest}
    if referer:
        headers["Referer"] = referer + "/page"
    reason = refusal_reason(headers, trusted_origins=TRUSTED)
    if mode != "navigate" or dest != "document":
        assert reason is not None


@given(site=st.sampled_from(["cross-site", "same-site"]), origin=untrusted, use_origin=st.booleans())
def test_a_navigation_started_by_an_untrusted_page_is_refused(site, origin, use_origin):
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    headers["Origin" if use_origin else "Referer"] = origin
    assert refusal_reason(headers, trusted_origins=TRUSTED) is not None
    del headers["Origin" if use_origin else "Referer"]
    assert refusal_reason(headers, trusted_origins=TRUSTED) is not None  # no initiator at all


@given(site=st.sampled_from(["cross-site", "same-site"]), origin=st.sampled_from(TRUSTED), path=st.text(max_size=20))
def test_a_navigation_from_a_trusted_page_passes(site, origin, path):
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    headers["Referer"] = origin + "/" + path.replace("#", "").replace("?", "").replace("\\", "")
    assert refusal_reason(headers, trusted_origins=TRUSTED) is None


@given(site=st.sampled_from(["same-origin", "none"]))
def test_own_site_navigations_pass(site):
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert refusal_reason(headers, trusted_origins=TRUSTED) is None


@given(origin=untrusted, header=st.sampled_from(["Origin", "Referer"]))
def test_without_fetch_metadata_an_untrusted_initiator_is_refused(origin, header):
    assert refusal_reason({header: origin}, trusted_origins=TRUSTED) is not None
    assert refusal_reason({header: "null"}, trusted_origins=TRUSTED) is not None


def test_origins_are_normalised():
    assert origin_of("HTTPS://Apps.Example:443/x?y") == "https://apps.example"
    assert origin_of("http://localhost:2000/") == "http://localhost:2000"
    assert origin_of("javascript:alert(1)") is None and origin_of("null") is None
