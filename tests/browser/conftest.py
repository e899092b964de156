"""Browser tests: the demo served by a real server, driven in headless Chromium.

One session-wide server: `ntm demo --no-serve` loads the demo into its own SQLite file,
then `ntm serve` serves it on a free port. Playwright drives Debian's Chromium
(/usr/bin/chromium); `make install` installs it when missing. Screenshots of every page
visited land in var/screenshots/ to be looked at.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ntm() -> list[str]:
    found = shutil.which("ntm", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ntm.cli"]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[dict]:
    """Base URL and accounts of a demo served from a fresh SQLite database."""
    db = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "NTM_DEBUG": "1"}
    loaded = subprocess.run(
        [*_ntm(), "demo", "--no-serve", "--json"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    accounts = {a["username"]: a for a in json.loads(loaded.stdout)}
    port = _free_port()
    server = subprocess.Popen(
        [*_ntm(), "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/recognitions/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the demo server did not start")
        yield {"base": base, "accounts": accounts, "database": db}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make install` installs Debian's chromium "
            "when run as root; or set NTM_CHROMIUM to a Chromium binary."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(base_url=demo_server["base"], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, accounts: dict, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username]["password"])
    page.click("button[type=submit]")
    page.wait_for_load_state()
