"""The helpers the values and approval pages share (``ntm.values.pages``)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from ntm.values.pages import safe_next

DEFAULT = "/units/1/entry/"


@pytest.mark.parametrize(
    "asked",
    [
        "https://evil.example/",
        "http://evil.example/units/",
        "//evil.example/units/",
        "///evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "ftp://testserver/x",
    ],
)
def test_an_offsite_or_odd_next_falls_back_to_the_default(asked):
    for request in (
        RequestFactory().get("/", {"next": asked}),
        RequestFactory().post("/", {"next": asked}),
    ):
        assert safe_next(request, DEFAULT) == DEFAULT


@pytest.mark.parametrize(
    "asked", ["/queue/", "/units/2/approval/?period=2024", "http://testserver/queue/"]
)
def test_a_next_on_this_site_is_followed(asked):
    assert safe_next(RequestFactory().get("/", {"next": asked}), DEFAULT) == asked
    assert safe_next(RequestFactory().post("/", {"next": asked}), DEFAULT) == asked


def test_no_next_gives_the_default_and_a_secure_request_refuses_plain_http():
    assert safe_next(RequestFactory().get("/"), DEFAULT) == DEFAULT
    secure = RequestFactory().get("/", {"next": "http://testserver/queue/"}, secure=True)
    assert safe_next(secure, DEFAULT) == DEFAULT
