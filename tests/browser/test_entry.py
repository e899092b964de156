"""Data entry in the browser: Kỳ Lạc goes from 12/20 to 13/20 through the form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot


def _income_threshold(page) -> float:
    """The income threshold the form shows for Kỳ Lạc (Bắc Trung Bộ, 2021), as a number."""
    text = page.get_by_test_id("threshold-10").inner_text()  # "≥ 36 triệu đồng/người/năm"
    return float(re.search(r"[\d.,]+", text).group(0).replace(".", "").replace(",", "."))


def test_commune_user_brings_ky_lac_from_12_to_13_criteria_through_the_form(page, demo_server):
    log_in(page, demo_server["accounts"], "kylac")
    page.fill("#search", "ky lac")
    page.locator("li, tr").filter(has_text="18850").locator("a[href*='/units/']").first.click()
    page.wait_for_load_state()
    unit_url = page.url.split("?")[0]
    page.goto(f"{unit_url}?as_of=2021-09-25&set=hatinh-commune-ntm")
    expect(page.get_by_test_id("met-total").first).to_have_text("12/20")

    page.get_by_test_id("entry-link").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Nhập số liệu")
    # A period after the report of 25/9/2021: the single day 31/12/2021.
    page.select_option("#pp-set", "hatinh-commune-ntm")
    page.select_option("#pp-year", "2021")
    page.select_option("#pp-part", "day")
    page.fill("#pp-day", "2021-12-31")
    page.get_by_role("button", name="Mở kỳ này").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("period-title")).to_have_text("Ngày 31/12/2021")
    expect(page.get_by_test_id("entry-met")).to_have_text("12/20")
    expect(page.get_by_test_id("crit-status-10")).to_have_text("Chưa đạt")

    threshold = _income_threshold(page)
    assert threshold == 36  # Bắc Trung Bộ, 2020 level, in force in 2021
    income = page.get_by_test_id("input-10")
    income.fill(f"{threshold + 2.5:g}".replace(".", ","))
    expect(page.get_by_test_id("status-10")).to_have_text("Đạt")
    expect(page.get_by_test_id("crit-status-10")).to_have_text("Đạt")
    expect(page.get_by_test_id("entry-met")).to_have_text("13/20")
    page.locator("#crit-10").scroll_into_view_if_needed()
    shot(page, "entry-01-ky-lac-live-status")

    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    expect(page.locator(".message")).to_contain_text("Đã lưu 1 giá trị")
    expect(page.get_by_test_id("submission-status")).to_have_text("Bản nháp")
    expect(page.get_by_test_id("entry-met")).to_have_text("13/20")
    shot(page, "entry-02-ky-lac-saved")

    page.goto(f"{unit_url}?as_of=2021-12-31&set=hatinh-commune-ntm")
    expect(page.get_by_test_id("met-total").first).to_have_text("13/20")
    shot(page, "entry-03-ky-lac-13-of-20")
    page.goto(f"{unit_url}?as_of=2021-09-25&set=hatinh-commune-ntm")
    expect(page.get_by_test_id("met-total").first).to_have_text("12/20")  # the report stands


def test_district_office_pastes_a_column_into_the_grid(page, demo_server):
    log_in(page, demo_server["accounts"], "kyanh")
    page.fill("#search", "huyen ky anh")
    page.locator("a[href*='/units/']", has_text="Huyện Kỳ Anh").first.click()
    page.wait_for_load_state()
    page.get_by_test_id("grid-link").click()
    page.wait_for_load_state()
    page.locator("input[name=indicator][value='10']").check()
    page.get_by_role("button", name="Mở bảng nhập").click()
    page.wait_for_load_state()
    first = page.locator("input[data-row='0'][data-col='0']")
    first.focus()
    # What Excel puts on the clipboard for a copied column of three cells.
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          data.setData('text/plain', '37,5\\n-4\\nabc\\n');
          document.activeElement.dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }"""
    )
    expect(first).to_have_value("37,5")
    expect(page.locator("input[data-row='1'][data-col='0']")).to_have_value("-4")
    expect(page.locator("td.is-client-invalid")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[data-row='1'][data-col='0']")).to_be_focused()
    page.keyboard.press("Tab")  # past the last column: the next row's first cell
    expect(page.locator("input[data-row='2'][data-col='0']")).to_be_focused()
    page.keyboard.press("Enter")  # down, like a spreadsheet; nothing is submitted
    expect(page.locator("input[data-row='3'][data-col='0']")).to_be_focused()
    shot(page, "entry-04-grid-pasted")
    page.get_by_role("button", name="Lưu tất cả").first.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("grid-problems")).to_contain_text("Chưa lưu gì: 2 ô có lỗi")
    shot(page, "entry-05-grid-refused")
