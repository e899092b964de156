"""`ntm serve --production`: the gunicorn command line, and a real start with debug off."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ntm.cli_support import UserError
from ntm.production import CONFIG_FILE, gunicorn_argv, gunicorn_options

ROOT = Path(__file__).resolve().parents[3]


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_argv_runs_gunicorn_on_the_wsgi_app_with_workers_sized_to_the_machine():
    argv = gunicorn_argv({}, 2, "/venv/bin/python")
    assert argv[:3] == ["/venv/bin/python", "-m", "gunicorn"]
    assert argv[-1] == "config.wsgi:application"
    assert _option(argv, "--config") == str(CONFIG_FILE)
    assert _option(argv, "--workers") == "5"
    assert _option(argv, "--threads") == "4"
    assert _option(argv, "--timeout") == "120"
    assert _option(argv, "--bind") == "127.0.0.1:8000"
    assert _option(argv, "--access-logfile") == "-"
    # No trusted proxy: gunicorn believes no X-Forwarded-Proto.
    assert "--forwarded-allow-ips=" in argv


def test_worker_count_is_capped_and_overridable():
    assert gunicorn_options({}, 64)["workers"] == 12
    assert gunicorn_options({}, None)["workers"] == 3
    assert gunicorn_options({"NTM_WORKERS": "3"}, 64)["workers"] == 3
    with pytest.raises(UserError, match="NTM_WORKERS"):
        gunicorn_options({"NTM_WORKERS": "many"}, 2)
    with pytest.raises(UserError, match="NTM_WORKERS"):
        gunicorn_options({"NTM_WORKERS": "0"}, 2)


def test_bind_and_proxy_addresses_follow_the_environment():
    env = {"NTM_BIND": "0.0.0.0:9000", "NTM_TRUSTED_PROXY": "1", "NTM_THREADS": "8"}
    argv = gunicorn_argv(env, 1, "python")
    assert _option(argv, "--bind") == "0.0.0.0:9000"
    assert _option(argv, "--threads") == "8"
    assert "--forwarded-allow-ips=127.0.0.1,::1" in argv
    env["NTM_FORWARDED_ALLOW_IPS"] = "10.0.0.5"
    assert "--forwarded-allow-ips=10.0.0.5" in gunicorn_argv(env, 1, "python")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NTM_", "DATABASE_URL"))}
    env.update(
        NTM_DEBUG="0",
        NTM_SECRET_KEY=secrets.token_urlsafe(64),
        NTM_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'ntm.sqlite3'}",
        NTM_SSL_REDIRECT="0",
        NTM_ALLOWED_HOSTS="127.0.0.1",
        NTM_BIND=f"127.0.0.1:{port}",
        NTM_WORKERS="1",
        NTM_THREADS="2",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _run_ntm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ntm.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_server_refuses_debug_and_unapplied_migrations(tmp_path):
    env = _production_env(tmp_path, _free_port())
    refused = _run_ntm(env, "serve", "--production")
    assert refused.returncode == 2
    assert "migration(s) not applied yet" in refused.stderr
    assert "--migrate" in refused.stderr

    env["NTM_DEBUG"] = "1"
    refused = _run_ntm(env, "serve", "--production", "--migrate")
    assert refused.returncode == 2
    assert "NTM_DEBUG is on" in refused.stderr
    assert not (tmp_path / "var" / "static" / "staticfiles.json").exists()


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local test server
        return response.status, dict(response.headers), response.read()


def _wait_until_served(process: subprocess.Popen, url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("the server did not answer in time")


def test_production_server_serves_the_login_page_and_collected_static_files(tmp_path):
    port = _free_port()
    env = _production_env(tmp_path, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "ntm.cli", "serve", "--production", "--migrate"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Migrating an empty database and collecting static files take a while.
        _wait_until_served(process, f"{base}/accounts/login/", time.monotonic() + 240)
        status, headers, body = _get(f"{base}/accounts/login/")
        assert status == 200
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
        static_urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
        assert static_urls, "the login page links no static file"
        # Manifest storage: the links carry content hashes, served by whitenoise.
        assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in static_urls), static_urls
        for url in static_urls:
            status, headers, content = _get(base + url)
            assert status == 200
            assert content
            assert "max-age=315360000" in headers.get("Cache-Control", "")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
