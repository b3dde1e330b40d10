"""Properties of the outgoing URL policy (exams_service/security/outgoing_urls.py)."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exams_service.security.outgoing_urls import OutgoingUrlRefused, check_resolved, check_url, is_public_address

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9_.~+-]{0,12}){0,4}", fullmatch=True)
schemes = st.sampled_from(["file", "gopher", "ftp", "dict", "ldap", "javascript", "data", "jar", "ws"])
private_networks = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "0.0.0.0/8",
    "100.64.0.0/10",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
]


@given(scheme=st.sampled_from(["http", "https", "HTTPS"]), host=hosts, path=paths)
def test_http_urls_to_an_allowed_host_pass(scheme, host, path):
    url = f"{scheme}://{host}{path}"
    assert check_url(url, allowed_hosts=[host.upper()]) == url


@given(scheme=schemes, host=hosts, path=paths)
def test_other_schemes_never_pass(scheme, host, path):
    with pytest.raises(OutgoingUrlRefused):
        check_url(f"{scheme}://{host}{path}", allowed_hosts=[host])


@given(host=hosts, other=hosts, path=paths)
def test_a_host_outside_the_allow_list_never_passes(host, other, path):
    if host.rstrip(".") == other.rstrip("."):
        return
    with pytest.raises(OutgoingUrlRefused):
        check_url(f"https://{host}{path}", allowed_hosts=[other])


@given(host=hosts, user=st.from_regex(r"[a-z]{1,8}", fullmatch=True))
def test_credentials_in_the_url_never_pass(host, user):
    with pytest.raises(OutgoingUrlRefused):
        check_url(f"https://{user}:pw@{host}/", allowed_hosts=[host])


@given(network=st.sampled_from(private_networks), offset=st.integers(min_value=0, max_value=2**16))
def test_private_loopback_and_link_local_addresses_are_not_public(network, offset):
    net = ipaddress.ip_network(network)
    address = net.network_address + (offset % net.num_addresses)
    assert not is_public_address(str(address))
    if address.version == 4:
        assert not is_public_address(f"::ffff:{address}")  # IPv4-mapped IPv6


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]:6379/", "http://localhost/", "http://10.1.2.3/"])
def test_resolved_private_addresses_are_refused_unless_allowed(url, settings):
    settings.OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(OutgoingUrlRefused):
        check_resolved(url)
    settings.OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = True
    check_resolved(url)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_are_public(address):
    assert is_public_address(address)
