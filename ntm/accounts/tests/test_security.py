"""Security hardening: passwords, login lockout, session expiry, headers, production settings."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from ntm.accounts import lockout
from ntm.accounts.middleware import LOGIN_AT, SEEN_AT
from ntm.testing import make_ky_anh, make_user

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "demo-pass-123"


def test_the_demo_password_passes_the_validators_and_short_ones_do_not():
    validate_password("ntm-demo-2026")
    with pytest.raises(ValidationError) as short:
        validate_password("ky-lac-1")
    assert "ít nhất 10 ký tự" in " ".join(short.value.messages) or "at least 10" in " ".join(
        short.value.messages
    )
    with pytest.raises(ValidationError):
        validate_password("1234567890123")  # numeric only


@pytest.mark.django_db
class TestLockout:
    def login(self, client, password, username="kylac"):
        return client.post(
            "/accounts/login/",
            {"username": username, "password": password, "next": "/"},
            REMOTE_ADDR="10.0.0.7",
        )

    def test_the_fifth_failure_locks_the_username_from_that_address_with_a_retry_time(self):
        units = make_ky_anh()
        make_user("kylac", role="data_entry", unit=units["ky_lac"])
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.login(client, "wrong-password").status_code == 200
        locked = self.login(client, "wrong-password")
        assert locked.status_code == 429
        text = locked.content.decode()
        assert "đăng nhập sai 5 lần liên tiếp" in text
        assert "Hãy thử lại sau 15 phút (lúc " in text
        # The right password does not help while locked; nobody is signed in.
        again = self.login(client, PASSWORD)
        assert again.status_code == 429
        assert "_auth_user_id" not in client.session
        # Another address is not locked out: the lockout is per username and address.
        other = Client().post(
            "/accounts/login/",
            {"username": "kylac", "password": PASSWORD, "next": "/"},
            REMOTE_ADDR="10.0.0.8",
        )
        assert other.status_code == 302
        assert lockout.locked_until("kylac") is not None
        assert lockout.locked_usernames(["kylac", "kytay"]) == {"kylac"}

    def test_unlocking_lets_the_user_sign_in_again(self):
        units = make_ky_anh()
        make_user("kylac", role="data_entry", unit=units["ky_lac"])
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong-password")
        assert self.login(client, PASSWORD).status_code == 429
        assert lockout.unlock("kylac") == 1
        assert lockout.locked_until("kylac") is None
        assert self.login(client, PASSWORD).status_code == 302


@pytest.mark.django_db
class TestSessionExpiry:
    def signed_in(self):
        units = make_ky_anh()
        user = make_user("kylac", role="data_entry", unit=units["ky_lac"])
        client = Client()
        client.force_login(user)
        return client, units["ky_lac"]

    def age_session(self, client, *, login_ago, seen_ago):
        session = client.session
        now = int(time.time())
        session[LOGIN_AT] = now - login_ago
        session[SEEN_AT] = now - seen_ago
        session.save()

    def test_a_recently_used_session_stays_open(self, settings):
        client, unit = self.signed_in()
        self.age_session(client, login_ago=3600, seen_ago=60)
        assert client.get(f"/units/{unit.pk}/").status_code == 200

    def test_an_idle_session_ends_and_the_login_page_says_why(self, settings):
        client, unit = self.signed_in()
        self.age_session(client, login_ago=7200, seen_ago=settings.NTM_SESSION_IDLE_SECONDS + 1)
        response = client.get(f"/units/{unit.pk}/", follow=True)
        assert response.redirect_chain[0][0].startswith("/accounts/login/")
        assert "Phiên làm việc đã hết hạn do không hoạt động" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_session_older_than_the_maximum_ends_even_when_used(self, settings):
        client, unit = self.signed_in()
        self.age_session(client, login_ago=settings.SESSION_COOKIE_AGE + 1, seen_ago=10)
        response = client.get(f"/units/{unit.pk}/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_an_idle_session_is_no_authentication_for_the_api(self, settings):
        client, unit = self.signed_in()
        self.age_session(client, login_ago=7200, seen_ago=settings.NTM_SESSION_IDLE_SECONDS + 1)
        assert client.get(f"/api/dashboards/{unit.pk}").status_code == 401


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_a_csp_with_nothing_from_other_origins(client):
    response = client.get("/recognitions/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "unsafe" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "http" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_template_has_an_inline_script_without_the_nonce_or_an_inline_handler():
    templates = list((ROOT / "ntm").rglob("templates/**/*.html"))
    assert templates
    offenders = []
    for path in templates:
        text = path.read_text()
        for marker in (" onclick=", " onchange=", " onsubmit=", " oninput=", " onload="):
            if marker in text:
                offenders.append(f"{path.name}: {marker.strip()}")
        for line in text.splitlines():
            inline = "<script" in line and "src=" not in line and "nonce=" not in line
            if inline and 'type="application/json"' not in line:
                offenders.append(f"{path.name}: {line.strip()[:60]}")
    assert offenders == []


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NTM_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "NTM_DEBUG": "0",
        "NTM_SECRET_KEY": secrets.token_urlsafe(64),
        "NTM_ALLOWED_HOSTS": "ntm.example.gov.vn",
        "NTM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ntm.sqlite3'}",
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "CHANGE_ME", "short-key-1234567890", "change_me" + "x" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    env = {
        "NTM_DEBUG": "0",
        "NTM_SECRET_KEY": key,
        "NTM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ntm.sqlite3'}",
    }
    result = _run(env, "check")
    assert result.returncode != 0
    assert "NTM_SECRET_KEY must be set to a long random value" in result.stderr


def test_no_secret_is_committed_in_the_example_environment_file():
    example = (ROOT / ".env.example").read_text()
    assert "NTM_SECRET_KEY=CHANGE_ME" in example
    assert "dev-only-insecure-key" not in example


@pytest.mark.django_db
def test_a_request_above_the_size_limit_is_refused_before_its_body_is_read(client, settings):
    settings.NTM_MAX_REQUEST_BYTES = 2 * 1024 * 1024

    class Unreadable:
        """A body that fails the test if anything reads it."""

        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST", "/api/values", "", CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(5 * 1024 * 1024), **{"wsgi.input": Unreadable()},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.content.decode() == (
        "Yêu cầu quá lớn (5.0 MB); mỗi lần gửi tối đa 2 MB. Hãy gửi từng tệp nhỏ hơn."
    )
    # Below the limit, requests go on as usual.
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200
