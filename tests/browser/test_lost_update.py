"""Two people on one entry form: nobody's save silently undoes the other's.

Kỳ Lạc's officer and a colleague open the form for 31/12/2021 at the same time. The
colleague saves an income of 40; the officer, on the page opened before, changes only
another indicator and saves: the income stays 40. When the officer then changes the income
on that old page, the save is refused with the newer value, who saved it and when, and the
page keeps what the officer typed.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot

ENTRY = "/units/{unit}/entry/?set=hatinh-commune-ntm&period=2021-12-31"


def _kylac_unit(page) -> int:
    page.goto("/search/?q=ky+lac")
    href = page.locator("a[href*='/units/']", has_text="Xã Kỳ Lạc").first.get_attribute("href")
    return int(href.strip("/").split("/")[-1])


def test_a_stale_form_never_undoes_a_colleagues_save(browser, demo_server):
    pages = []
    for _ in range(2):
        context = browser.new_context(base_url=demo_server["base"], locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, demo_server["accounts"], "kylac")
        pages.append(page)
    colleague, officer = pages
    url = ENTRY.format(unit=_kylac_unit(colleague))
    colleague.goto(url)
    officer.goto(url)  # both pages show the same values (another test may have saved one)
    shown = colleague.get_by_test_id("input-10").input_value()
    expect(officer.get_by_test_id("input-10")).to_have_value(shown)
    assert shown != "40"

    colleague.get_by_test_id("input-10").fill("40")
    colleague.get_by_role("button", name="Lưu nháp").click()
    colleague.wait_for_load_state()
    expect(colleague.locator(".message")).to_contain_text("Đã lưu 1 giá trị")

    # The officer's old page: another indicator only. The income is not sent back as 31,5.
    officer.get_by_test_id("input-5").fill("1")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    expect(officer.locator(".message")).to_contain_text("Đã lưu 1 giá trị")
    expect(officer.get_by_test_id("input-10")).to_have_value("40")

    # A page opened before the colleague's save, now changing the income itself.
    colleague.goto(url)
    officer.goto(url)
    colleague.get_by_test_id("input-10").fill("41")
    colleague.get_by_role("button", name="Lưu nháp").click()
    colleague.wait_for_load_state()
    officer.get_by_test_id("input-10").fill("45,5")
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    problem = officer.locator("#problems-10")
    expect(problem).to_contain_text("41")
    expect(problem).to_contain_text("sau khi bạn mở trang")
    expect(officer.get_by_test_id("input-10")).to_have_value("45,5")
    officer.locator("#ind-10").scroll_into_view_if_needed()
    shot(officer, "entry-06-stale-edit-refused")
    officer.set_viewport_size({"width": 390, "height": 844})
    officer.locator("#ind-10").scroll_into_view_if_needed()
    shot(officer, "entry-07-stale-edit-refused-phone")

    # Saving again after reading the message is a deliberate overwrite.
    officer.get_by_role("button", name="Lưu nháp").click()
    officer.wait_for_load_state()
    expect(officer.locator(".message")).to_contain_text("Đã lưu 1 giá trị")
    expect(officer.get_by_test_id("input-10")).to_have_value("45,5")
    for page in pages:
        page.context.close()
