"""The main flows of the demo, as a user does them, in headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot


def test_commune_user_finds_ky_lac_reads_12_of_20_and_follows_it_into_2025(page, demo_server):
    accounts = demo_server["accounts"]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # every page needs a login
    shot(page, "01-login")
    log_in(page, accounts, "kylac")

    page.fill("#search", "ky lac")
    # Both Kỳ Lạc are listed, each with its era; the one of 2021 has the code 18850.
    old = page.locator("li, tr").filter(has_text="18850").locator("a[href*='/units/']")
    expect(old.first).to_be_visible()
    expect(page.locator("li, tr").filter(has_text="18838").first).to_be_visible()
    shot(page, "02-search-ky-lac")
    old.first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Kỳ Lạc")

    page.fill("input[name=as_of]", "2021-09-25")
    page.locator("input[name=as_of]").press("Enter")
    page.wait_for_load_state()
    if page.locator("a[href*='set=hatinh-commune-ntm']").count():
        page.locator("a[href*='set=hatinh-commune-ntm']").first.click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("met-total").first).to_have_text("12/20")
    expect(page.locator("body")).to_contain_text("Thu nhập")
    shot(page, "03-ky-lac-2021-09-25")

    page.locator("[data-testid=successor-link], a.successor-link").first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Kỳ Lạc")
    expect(page.locator("body")).to_contain_text("18838")
    expect(page.locator("body")).to_contain_text("Lâm Hợp")  # its other predecessor
    shot(page, "04-ky-lac-2025")


def test_commune_user_cannot_open_another_commune(page, demo_server):
    log_in(page, demo_server["accounts"], "kylac")
    page.fill("#search", "ky tay")
    page.wait_for_timeout(800)
    expect(page.locator("a[href*='/units/']", has_text="Kỳ Tây")).to_have_count(0)


def test_province_office_sees_children_overview_with_totals(page, demo_server):
    log_in(page, demo_server["accounts"], "hatinh")
    page.fill("#search", "huong son")
    page.locator("a[href*='/units/']", has_text="Huyện Hương Sơn").first.click()
    page.wait_for_load_state()
    shot(page, "05-huong-son")
    page.locator("a[href*='/children/']").first.click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Sơn Kim 2")
    shot(page, "06-huong-son-children")


def test_public_recognitions_and_english(page, demo_server):
    page.goto("/recognitions/")
    expect(page.locator("h1")).to_be_visible()
    # Thousands of decisions, newest first: a visitor narrows them down by name.
    page.fill("#f-q", "son kim")
    page.locator("#f-q").press("Enter")
    page.wait_for_load_state()
    row = page.locator("tr", has_text="Sơn Kim 2")
    expect(row.first).to_be_visible()
    expect(row.first).to_contain_text("Nâng cao")
    shot(page, "07-recognitions")
    log_in(page, demo_server["accounts"], "admin")
    page.goto("/criteria/")
    page.select_option("select[name=language]", "en")
    page.locator("select[name=language]").evaluate("s => s.form.submit()")
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Criteria")
    shot(page, "08-criteria-en")


def test_unit_page_fits_a_phone_screen(browser, demo_server):
    context = browser.new_context(
        base_url=demo_server["base"], viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, demo_server["accounts"], "kylac")
    page.goto("/")
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    shot(page, "09-phone-unit")
    assert overflow <= 1
    context.close()
