"""Errors reach the log with the request id, user, path and traceback, and no secrets."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client, override_settings

from ntm.request_log import redact, request_id_from
from ntm.testing import make_user

PASSWORD = "Secret-Passw0rd-xyz"
TOKEN = "tok_4f9a8b7c6d5e4f3a2b1c"


@pytest.fixture
def log_output():
    """The text written by the configured console handler while the test runs."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    # Swapped without setStream(): that flushes the previous stream, which may be a capture
    # file pytest has already closed.
    previous, handler.stream = handler.stream, io.StringIO()
    yield handler.stream
    handler.stream = previous


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="ntm.web.tests.raising_urls")
def test_unhandled_error_is_logged_with_request_user_path_traceback_and_no_secret(log_output):
    user = make_user("logged-user", role="viewer")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session_key = client.cookies["sessionid"].value

    response = client.post(
        f"/test-fails/?token={TOKEN}&page=2",
        {"password": PASSWORD, "note": "x"},
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
        HTTP_X_REQUEST_ID="proxy-id-123",
    )

    assert response.status_code == 500
    assert response["X-Request-ID"] == "proxy-id-123"
    text = log_output.getvalue()
    errors = [line for line in text.splitlines() if " ERROR django.request " in line]
    assert len(errors) == 1, text
    assert "request=proxy-id-123" in errors[0]
    assert f"user=logged-user#{user.pk}" in errors[0]
    assert "path=/test-fails/]" in errors[0]
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom while handling password=[redacted]" in text
    for secret in (PASSWORD, TOKEN, session_key):
        assert secret not in text


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_an_unsafe_one_is_replaced(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")
    assert len(first["X-Request-ID"]) == 32
    assert second["X-Request-ID"] not in {first["X-Request-ID"], "bad id"}
    assert " " not in second["X-Request-ID"]


def test_request_id_from_header():
    assert request_id_from("abc-123_X.y") == "abc-123_X.y"
    assert len(request_id_from("x" * 65)) == 32
    assert len(request_id_from(None)) == 32
    assert request_id_from("a;b") != "a;b"


def test_redact_removes_secret_values():
    text = redact(
        'password=hunter2 "api_key": "k-123" Authorization: Bearer abcdef123456 '
        "GET /x?token=t0k&page=2 Cookie: sessionid=s3ss csrfmiddlewaretoken=c5rf"
    )
    for secret in ("hunter2", "k-123", "abcdef123456", "t0k", "s3ss", "c5rf"):
        assert secret not in text
    assert "page=2" in text
