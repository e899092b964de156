"""The client's address behind proxies, and the login lockout that counts by it.

Found attacking ntm (issue 9, §2): behind a proxy the leftmost X-Forwarded-For entry was
taken, which the client writes: 30 wrong passwords with 30 forged addresses never locked
kylac out, audit entries stored formulas and HTML as addresses, and on PostgreSQL (inet)
a non-IP value made every login and audited write a 500.
"""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from ntm.accounts import lockout
from ntm.accounts.services import create_token
from ntm.audit.addresses import client_address, valid_address
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor, client_ip
from ntm.testing import make_ky_anh, make_user

PASSWORD = "demo-pass-123"
PROXY = "10.0.0.2"  # nginx, as Django sees the connection
CLIENT = "203.0.113.50"  # the real client, as nginx appends it
FORMULA = '=cmd|"/c calc"!A1'
HTML = "<script>alert(1)</script>"


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "forwarded, proxies, expected",
    [
        ("", 1, PROXY),  # no header: the connection
        (CLIENT, 1, CLIENT),  # one nginx, the client sent nothing
        (f"6.6.6.6, {CLIENT}", 1, CLIENT),  # a forged entry before nginx's own
        (f"{FORMULA}, {HTML}, {CLIENT}", 1, CLIENT),
        (f"6.6.6.6, {CLIENT}, 10.0.0.3", 2, CLIENT),  # CDN then nginx: two hops
        (f"{CLIENT}, 10.0.0.3", 2, CLIENT),
        ("10.0.0.3", 2, PROXY),  # fewer entries than proxies: the chain was bypassed
        (f"6.6.6.6, {CLIENT}", 0, PROXY),  # no proxy configured: the header is ignored
        (f"{CLIENT}, {FORMULA}", 1, PROXY),  # our entry is no address: the connection
        (f"{CLIENT}, {HTML}", 1, PROXY),
        (f"{CLIENT}, ", 1, PROXY),
        ("203.0.113.50:51234", 1, CLIENT),  # with a port
        ("[2001:db8::1]:443", 1, "2001:db8::1"),
        ("::ffff:203.0.113.50", 1, CLIENT),  # IPv4-mapped IPv6
        ("2001:DB8:0:0::1", 1, "2001:db8::1"),  # canonical form
        ("fe80::1%eth0", 1, PROXY),  # a zone id: not storable
        ("1" * 200, 1, PROXY),
    ],
)
def test_the_client_is_counted_from_the_right_and_always_an_address(forwarded, proxies, expected):
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, proxies) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/ntm.sock", FORMULA, HTML, None, "999.1.1.1"])
def test_a_connection_address_that_is_not_an_ip_gives_none(remote):
    assert client_address({"REMOTE_ADDR": remote}, 0) is None
    assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": FORMULA}, 1) is None
    assert valid_address(remote) is None


def test_client_ip_uses_the_configured_hop_count(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}, 10.0.0.3"
    )
    settings.NTM_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.3"
    settings.NTM_PROXY_COUNT = 2
    assert client_ip(request) == CLIENT


# --------------------------------------------------------------------------- lockout


@pytest.fixture
def kylac(db, settings):
    settings.NTM_TRUSTED_PROXY = True
    settings.NTM_PROXY_COUNT = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    units = make_ky_anh()
    return make_user("kylac", role="data_entry", unit=units["ky_lac"])


def login(password: str, forwarded: str, username: str = "kylac"):
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password, "next": "/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_thirty_forged_addresses_still_lock_the_user_out(kylac, settings):
    statuses = [login("wrong-password", f"198.51.100.{i}, {CLIENT}").status_code for i in range(30)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    # The right password does not help while locked out, whatever address is claimed.
    assert login(PASSWORD, f"198.51.100.99, {CLIENT}").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    # Another real client (a colleague behind the same proxy) is not locked out.
    assert login(PASSWORD, "203.0.113.51").status_code == 302


@pytest.mark.parametrize("value", [FORMULA, HTML, "not-an-ip", "1.2.3.4.5"])
def test_a_forged_value_is_never_stored_as_an_address(kylac, value):
    """Nor does it break the login or an audited write (PostgreSQL stores inet)."""
    assert login("wrong-password", value).status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    assert login(PASSWORD, value).status_code == 302
    key = create_token(actor=Actor(user=None, channel="cli"), user=kylac).key
    response = Client().post(
        "/api/tokens",
        json.dumps({"name": "báo cáo"}),
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=value,
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.filter(action="token.create", channel="api").get()
    assert entry.ip_address == PROXY
    stored = set(AuditEntry.objects.values_list("ip_address", flat=True))
    assert value not in stored


def test_a_connection_without_an_ip_address_logs_in_and_audits_without_one(kylac, settings):
    settings.NTM_PROXY_COUNT = 0
    response = Client().post(
        "/accounts/login/",
        {"username": "kylac", "password": PASSWORD, "next": "/"},
        REMOTE_ADDR="unix:/run/ntm.sock",
    )
    assert response.status_code == 302


def test_a_guesser_with_many_real_addresses_hits_the_ceiling_per_username(kylac, settings):
    settings.NTM_LOGIN_USERNAME_LIMIT = 12
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never locked from any one address
    statuses = [
        login("wrong-password", f"198.51.100.{n}").status_code
        for n in range(3)
        for _attempt in range(per_address)
    ]
    assert statuses == [200] * 11 + [429]  # the twelfth failure reaches the ceiling
    assert lockout.locked_usernames(["kylac"]) == {"kylac"}
    assert lockout.locked_until("kylac") is not None
    # From a fresh address, the right password is refused too, and the page says why.
    refused = login(PASSWORD, "198.51.100.200")
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "từ nhiều máy khác nhau, nên tạm bị khóa ở mọi nơi" in text
    assert "Hãy thử lại sau 15 phút" in text
    # An office's unlock lifts the ceiling too (four addresses: the refused try counts).
    assert lockout.unlock("kylac") == 4
    assert login(PASSWORD, "198.51.100.200").status_code == 302


def test_one_address_alone_never_reaches_the_ceiling(kylac, settings):
    """A locked-out address that keeps trying counts only up to the per-address limit."""
    settings.NTM_LOGIN_USERNAME_LIMIT = 12
    for _attempt in range(40):
        login("wrong-password", "198.51.100.1")
    assert login(PASSWORD, "198.51.100.1").status_code == 429
    assert login(PASSWORD, "198.51.100.2").status_code == 302


def test_the_ceiling_can_be_turned_off(kylac, settings):
    settings.NTM_LOGIN_USERNAME_LIMIT = 0
    for n in range(5):
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            login("wrong-password", f"198.51.100.{n}")
    assert lockout.locked_usernames(["kylac"]) == set()
    assert login(PASSWORD, "198.51.100.200").status_code == 302
