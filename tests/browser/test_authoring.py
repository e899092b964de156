"""Criteria-set authoring as the Hà Tĩnh coordination office does it, in headless Chromium.

Publishing changes what every later page evaluates, so this flow runs on its own copy of
the demo database (served by a second server) and leaves the shared demo as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _free_port, _ntm, log_in, shot


@pytest.fixture(scope="module")
def authoring_server(demo_server, tmp_path_factory):
    """The demo copied (consistently, with SQLite's backup) and served apart."""
    copy = tmp_path_factory.mktemp("authoring") / "demo.sqlite3"
    source = sqlite3.connect(demo_server["database"])
    target = sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "NTM_DEBUG": "1"}
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
            pytest.fail("the authoring server did not start")
        yield {"base": base, "accounts": demo_server["accounts"]}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def office_page(browser, authoring_server):
    context = browser.new_context(base_url=authoring_server["base"], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page, authoring_server["accounts"], "hatinh")
    yield page
    context.close()


def test_hatinh_office_publishes_a_new_version_with_a_filled_threshold_and_a_criterion(
    office_page,
):
    page = office_page
    page.goto("/criteria/")
    page.get_by_test_id("authoring-link").click()
    expect(page.locator("h1")).to_have_text("Soạn bộ tiêu chí")
    shot(page, "authoring-01-drafts")
    own = page.locator(".start-item", has_text="hatinh-commune-ntm@1")
    own.get_by_role("button", name="Tạo phiên bản 2").click()
    expect(page.locator("#draft-title")).to_contain_text("Hà Tĩnh")
    expect(page.locator(".draft-kicker")).to_contain_text("hatinh-commune-ntm@2")

    # 2.1 is inherited from the national 2016-2020 set, which leaves it "cần xác nhận".
    indicator = page.locator("#indicator-2-1")
    expect(indicator).to_contain_text("cần xác nhận")
    page.get_by_test_id("thresholds-2.1").click()
    form = page.locator("#indicator-2-1 form")
    form.locator("input[name='cell-0-0']").fill("90")
    form.locator("input[name='decision-decision_number']").fill("123/QĐ-THỬ")
    form.locator("input[name='decision-decision_date']").fill("2026-03-15")
    form.locator("input[name='decision-decision_issuer']").fill("UBND tỉnh Hà Tĩnh")
    shot(page, "authoring-02-threshold-form")
    form.get_by_role("button", name="Lưu ngưỡng").click()
    expect(indicator).to_contain_text("≥ 90 %")
    expect(indicator).to_contain_text("Theo 123/QĐ-THỬ ngày 15/03/2026, UBND tỉnh Hà Tĩnh")
    expect(indicator).not_to_contain_text("cần xác nhận")

    # The version needs its own issuing decision.
    page.locator("#set-details").get_by_role("link", name="Sửa").click()
    page.fill("input[name='details-legal_number']", "45/2026/QĐ-THỬ")
    page.fill("input[name='details-legal_date']", "2026-02-01")
    page.locator("#set-details").get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("legal-number")).to_have_text("45/2026/QĐ-THỬ")

    page.fill("input[name='new-number']", "21")
    page.fill("input[name='new-name_vi']", "Chuyển đổi số (thử)")
    page.locator("#criterion-form").get_by_role("button", name="Thêm tiêu chí").click()
    expect(page.locator("#criterion-21")).to_contain_text("Chuyển đổi số (thử)")
    expect(page.locator(".draft-ready")).to_contain_text("Sẵn sàng ban hành")
    shot(page, "authoring-03-editor")

    page.locator(".draft-tabs").get_by_test_id("publish-link").click()
    expect(page.get_by_test_id("reached")).to_be_visible()
    shot(page, "authoring-04-publish")
    page.get_by_test_id("publish-confirm").click()

    expect(page.locator(".messages")).to_contain_text(
        "Đã ban hành hatinh-commune-ntm@2 theo văn bản 45/2026/QĐ-THỬ."
    )
    row = page.get_by_test_id("version-2")
    expect(row).to_contain_text("45/2026/QĐ-THỬ")
    expect(row).to_contain_text("Đã ban hành")
    expect(row).to_contain_text("hatinh")
    expect(page.get_by_test_id("version-1")).to_contain_text("05/2017/QĐ-UBND")
    expect(page.locator("#criterion-21")).to_be_visible()
    shot(page, "authoring-05-published")
