"""Approval in the browser: Kỳ Lạc submits a period, the transport department verifies
criterion 2, the Kỳ Anh office verifies the rest for their departments, approves and
locks; Kỳ Tây never sees the draft nor changes anything; a locked period refuses writes.

The period is the first half of 2022 (30/06/2022), apart from the days other browser
tests write on.
"""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot

QUERY = "set=hatinh-commune-ntm&period=2022-H1"


def _api_post(page, path: str, payload: dict):
    """A JSON post with the session and its CSRF token, as a script on the page would."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        path,
        data=json.dumps(payload),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )


def _income_payload(unit_id: int, value: float) -> dict:
    return {
        "values": [
            {"unit_id": unit_id, "indicator_key": "commune-ntm-2016-2020:10",
             "period": "2022-H1", "value": value}
        ]
    }  # fmt: skip


def test_a_period_goes_from_draft_to_locked_and_only_the_right_people_act(browser, demo_server):
    accounts = demo_server["accounts"]

    def session(username: str):
        context = browser.new_context(base_url=demo_server["base"], locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, accounts, username)
        return context, page

    # Kỳ Lạc enters a value and saves a draft; its home is its unit page.
    context, page = session("kylac")
    unit_url = page.url.split("?")[0].rstrip("/")
    ky_lac = int(unit_url.rsplit("/", 1)[1])
    page.goto(f"{unit_url}/entry/?{QUERY}")
    page.get_by_test_id("input-10").fill("39,5")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("submission-status")).to_have_text("Bản nháp")
    context.close()

    # Kỳ Tây can neither see Kỳ Lạc's draft nor change it, by page or API.
    context, page = session("kytay")
    for path in (f"/units/{ky_lac}/approval/?{QUERY}", f"/units/{ky_lac}/entry/?{QUERY}"):
        assert page.goto(path).status == 404
    refused = _api_post(page, "/api/values", _income_payload(ky_lac, 20))
    assert refused.status == 422
    assert "nằm ngoài phạm vi" in refused.json()["problems"][0]["message"]
    assert _api_post(page, f"/api/approvals/{ky_lac}/submit",
                     {"set": "hatinh-commune-ntm", "period": "2022-H1"}).status == 404  # fmt: skip
    page.goto("/queue/")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    context.close()

    # Kỳ Lạc submits: the form freezes and says so.
    context, page = session("kylac")
    page.goto(f"/units/{ky_lac}/entry/?{QUERY}")
    page.get_by_role("button", name="Lưu và gửi").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("submission-status")).to_have_text("Đã gửi, chờ thẩm tra")
    expect(page.get_by_test_id("frozen-note")).to_contain_text("đang được xét duyệt")
    expect(page.get_by_test_id("input-10")).to_be_disabled()
    shot(page, "approval-01-ky-lac-submitted")
    context.close()

    # The transport department finds it in its queue (beside the demo's Kỳ Châu period)
    # and verifies criterion 2, its only one.
    context, page = session("sogtvt")
    expect(page.get_by_test_id("queue-count")).to_have_text("2")
    page.get_by_test_id("queue-link").click()
    row = page.get_by_test_id("queue-row").filter(has_text="Xã Kỳ Lạc")
    expect(row).to_contain_text("2. Giao thông")
    shot(page, "approval-02-transport-queue")
    row.get_by_role("link", name="Mở").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid^=verify-]")).to_have_count(1)
    page.get_by_test_id("verify-2").check()
    page.get_by_test_id("step-verify").click()
    expect(page.get_by_test_id("approval-notice")).to_have_text("Đã xác nhận tiêu chí 2.")
    expect(page.get_by_test_id("verified-2")).to_contain_text("sogtvt")
    shot(page, "approval-03-transport-verified")
    context.close()

    # The Kỳ Anh office: approving too early is refused; it verifies the rest for the
    # departments (with their letters), approves and locks.
    context, page = session("kyanh")
    page.goto(f"/units/{ky_lac}/approval/?{QUERY}")
    expect(page.get_by_test_id("verified-count")).to_have_text("1/20 tiêu chí đã được xác nhận")
    page.get_by_test_id("step-verify-all").click()
    expect(page.get_by_test_id("approval-error")).to_contain_text("cần ghi ý kiến nêu căn cứ")
    page.fill(f"#verify-comment-{ky_lac}", "Theo văn bản xác nhận của các sở, ngành")
    page.get_by_test_id("step-verify-all").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã thẩm tra, chờ phê duyệt")
    page.get_by_test_id("step-approve").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã phê duyệt")
    page.get_by_test_id("step-lock").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã khóa")
    history = page.get_by_test_id("approval-history")
    for step in ("Khóa — kyanh", "Phê duyệt", "Xác nhận tiêu chí (tiêu chí 2) — sogtvt", "Gửi lên"):
        expect(history).to_contain_text(step)
    shot(page, "approval-04-office-locked")
    context.close()

    # Locked means locked: the unit's form is read-only, the API refuses and says who unlocks.
    context, page = session("kylac")
    page.goto(f"/units/{ky_lac}/entry/?{QUERY}")
    expect(page.get_by_test_id("frozen-note")).to_contain_text("đã khóa từ")
    expect(page.get_by_test_id("frozen-note")).to_contain_text("người khóa: kyanh")
    shot(page, "approval-05-ky-lac-locked")
    refused = _api_post(page, "/api/values", _income_payload(ky_lac, 41))
    assert refused.status == 422
    message = refused.json()["problems"][0]["message"]
    assert "đã khóa từ" in message and "Huyện Kỳ Anh hoặc cấp trên mở khóa" in message
    context.close()
