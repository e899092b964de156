"""One commune's whole way in the browser, year 2024: Kỳ Lạc enters its figures, the
departments certify their criteria, Kỳ Lạc submits, the transport department verifies
criterion 2, the Kỳ Anh office verifies the rest, approves and locks; then the recognition
case goes from registration to the province's decision and its announcement, the decision
shows on the public page, and the audit trail of Kỳ Lạc shows each step. Kỳ Tây sees none
of Kỳ Lạc's draft and changes nothing.

The year 2024 (period "2024", last day 31/12/2024) is apart from the days the other
browser tests write on.
"""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot

SET_ID = "commune-ntm-2021-2025"
PERIOD = "2024"
QUERY = f"set={SET_ID}&period={PERIOD}"
DAY = "2024-12-31"
#: The demo has no figures of Kỳ Lạc under the 2021-2025 set: Kỳ Lạc enters criteria 1
#: (planning) and 3 (irrigation), the transport department certifies 2 and the province
#: office records the other departments' letters for the rest, as they are done where
#: thresholds are still to be confirmed.
OFFICE_CERTIFIED = [str(n) for n in range(4, 20)]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _api_post(page, path: str, payload: dict):
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        path,
        data=json.dumps(payload),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )


def _form(page, action: str):
    """The case page's form whose action ends with /<action>/."""
    return page.locator(f"form[action$='/{action}/']")


def _upload(page, kind: str, number: str, issued_on: str) -> None:
    form = page.get_by_test_id("document-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=number]").fill(number)
    form.locator("input[name=issued_on]").fill(issued_on)
    form.locator("input[name=file]").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("refusal")).to_have_count(0)


def test_enter_submit_verify_approve_lock_recognize(browser, demo_server):
    accounts = demo_server["accounts"]

    def session(username: str):
        context = browser.new_context(base_url=demo_server["base"], locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, accounts, username)
        return context, page

    # Kỳ Lạc: its home is its unit page.
    context, page = session("kylac")
    unit_url = page.url.split("?")[0].rstrip("/")
    ky_lac = int(unit_url.rsplit("/", 1)[1])
    context.close()

    # The transport department certifies criterion 2 with its letter; it may certify
    # nothing else.
    context, page = session("sogtvt")
    page.goto(f"/units/{ky_lac}/certifications/?set={SET_ID}&date={DAY}")
    expect(page.locator("[data-testid^=certify-toggle-]")).to_have_count(1)
    details = page.locator("details:has([data-testid=certify-2])")
    if details.get_attribute("open") is None:
        page.get_by_test_id("certify-toggle-2").click()
    form = page.get_by_test_id("certify-2")
    form.locator("input[name=is_met][value='1']").check()
    form.locator("input[name=document_number]").fill("125/SGTVT-KHTC")
    page.get_by_test_id("certify-save-2").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("certification-2")).to_contain_text("125/SGTVT-KHTC")
    expect(page.get_by_test_id("status-2")).to_have_text("Đạt")
    shot(page, "flow-01-transport-certifies")
    context.close()

    # The province office records the other departments' letters (as the API would).
    context, page = session("hatinh")
    for number in OFFICE_CERTIFIED:
        response = _api_post(
            page,
            f"/api/certifications/{ky_lac}",
            {
                "set": SET_ID,
                "number": number,
                "is_met": True,
                "certified_on": DAY,
                "document_number": f"{number}0/SNN-VPĐP",
                "note": "Theo văn bản của sở, ngành phụ trách gửi văn phòng điều phối.",
            },
        )
        assert response.status == 201, response.text()
    context.close()

    # Kỳ Tây can neither see Kỳ Lạc's period nor certify anything there.
    context, page = session("kytay")
    assert page.goto(f"/units/{ky_lac}/entry/?{QUERY}").status == 404
    refused = _api_post(
        page,
        f"/api/certifications/{ky_lac}",
        {"set": SET_ID, "number": "1", "is_met": True, "certified_on": DAY,
         "document_number": "1/X"},
    )  # fmt: skip
    assert refused.status in (403, 404)
    context.close()

    # Kỳ Lạc enters criteria 1 and 3: 19/19 shows live; it saves and submits.
    context, page = session("kylac")
    page.goto(f"/units/{ky_lac}/entry/?{QUERY}")
    expect(page.get_by_test_id("entry-met")).to_have_text("17/19")
    for name in ("j-1-1", "j-1-2", "j-3-2"):
        page.locator(f"input[name='{name}'][value=met]").check()
    page.get_by_test_id("input-3-1").fill("85")
    expect(page.get_by_test_id("entry-met")).to_have_text("19/19")
    shot(page, "flow-02-ky-lac-entry")
    page.get_by_role("button", name="Lưu và gửi").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("submission-status")).to_have_text("Đã gửi, chờ thẩm tra")
    context.close()

    # The transport department verifies criterion 2 from its queue.
    context, page = session("sogtvt")
    page.goto(f"/units/{ky_lac}/approval/?{QUERY}")
    page.get_by_test_id("verify-2").check()
    page.get_by_test_id("step-verify").click()
    expect(page.get_by_test_id("approval-notice")).to_have_text("Đã xác nhận tiêu chí 2.")
    context.close()

    # The Kỳ Anh office verifies the rest on the departments' letters, approves and locks.
    context, page = session("kyanh")
    page.goto(f"/units/{ky_lac}/approval/?{QUERY}")
    page.fill(f"#verify-comment-{ky_lac}", "Theo văn bản xác nhận của các sở, ngành")
    page.get_by_test_id("step-verify-all").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã thẩm tra, chờ phê duyệt")
    page.get_by_test_id("step-approve").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã phê duyệt")
    page.get_by_test_id("step-lock").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Đã khóa")
    shot(page, "flow-03-office-locked")
    context.close()

    # Kỳ Lạc registers for the standard tier in 2024, assesses itself on its locked figures,
    # puts its dossier together, declares C2-C4 and submits.
    context, page = session("kylac")
    page.goto(f"/recognition/register/?unit={ky_lac}")
    page.locator("select[name=tier]").select_option("standard")
    page.locator("input[name=year]").fill("2024")
    page.locator("input[name=registered_on]").fill("2024-01-15")
    page.get_by_test_id("register").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Tự đánh giá")
    case_url = page.url.split("?")[0]
    form = _form(page, "self-assessment")
    form.locator("input[name=assessed_on]").fill(DAY)
    form.get_by_role("button", name="Hoàn thành tự đánh giá").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Hoàn thiện hồ sơ")
    for kind, number in (
        ("request", "12/TTr-UBND"),
        ("results_report", "45/BC-UBND"),
        ("satisfaction_survey", "07/BC-MTTQ"),
        ("debt_report", "50/BC-UBND"),
        ("security_confirmation", "112/CAX"),
    ):
        _upload(page, kind, number, "2025-01-05")
    page.locator("summary", has_text="Kê khai điều kiện").click()
    form = _form(page, "declare")
    form.locator("input[name=satisfaction_percent]").fill("95")
    form.locator("input[name=satisfaction_on]").fill("2025-01-05")
    form.locator("select[name=has_construction_debt]").select_option("no")
    form.locator("input[name=debt_declared_on]").fill("2025-01-05")
    form.locator("select[name=is_security_complicated]").select_option("no")
    form.locator("input[name=security_confirmed_by]").fill("Công an xã Kỳ Lạc")
    form.locator("input[name=security_confirmed_on]").fill("2025-01-05")
    form.get_by_role("button", name="Ghi kê khai").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("refusal")).to_have_count(0)
    page.get_by_test_id("submit-dossier").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Thẩm tra")
    context.close()

    # The Kỳ Anh office verifies the dossier.
    context, page = session("kyanh")
    page.goto(case_url)
    form = _form(page, "verify")
    form.locator("input[name=verified_on]").fill("2025-01-20")
    form.locator("input[name=report_number]").fill("15/BC-UBND")
    form.get_by_role("button", name="Ghi kết quả thẩm tra").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Thẩm định")
    context.close()

    # The province appraises; the decision is refused while the province has not set the
    # satisfaction level C2 needs; once set (with its document), the decision is recorded
    # and announced.
    context, page = session("hatinh")
    page.goto(case_url)
    form = _form(page, "appraise")
    form.locator("input[name=appraised_on]").fill("2025-02-20")
    form.locator("input[name=report_number]").fill("210/BC-HĐTĐ")
    form.locator("input[name=council_name]").fill("Hội đồng thẩm định NTM tỉnh")
    form.locator("input[name=council_members]").fill("11")
    form.locator("input[name=votes_for]").fill("10")
    form.get_by_role("button", name="Ghi kết quả thẩm định").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Quyết định công nhận")

    def decide() -> None:
        form = page.get_by_test_id("decide-form")
        form.locator("input[name=decision_number]").fill("315/QĐ-UBND")
        form.locator("input[name=decision_date]").fill("2025-03-15")
        form.locator("input[name=signer]").fill("Phó Chủ tịch UBND tỉnh")
        form.locator("input[name=issuer]").fill("UBND tỉnh Hà Tĩnh")
        page.get_by_test_id("decide").click()
        page.wait_for_load_state()

    decide()
    expect(page.get_by_test_id("refusal")).to_contain_text("C2")
    expect(page.get_by_test_id("case-stage")).to_have_text("Quyết định công nhận")
    shot(page, "flow-04-decision-refused")

    page.goto("/recognition/settings/")
    row = page.get_by_test_id("setting-satisfaction_min_percent")
    row.locator("summary").click()
    row.locator("input[name=value]").fill("90")
    row.locator("input[name=decision_number]").fill("05/2022/QĐ-UBND")
    row.locator("input[name=decision_date]").fill("2022-03-01")
    row.locator("input[name=issuer]").fill("UBND tỉnh Hà Tĩnh")
    row.get_by_test_id("save-satisfaction_min_percent").click()
    page.wait_for_load_state()
    shot(page, "flow-04b-settings")
    expect(page.get_by_test_id("refusal")).to_have_count(0)

    page.goto(case_url)
    for code in ("C1", "C2", "C3", "C4"):
        expect(page.get_by_test_id(f"condition-{code}")).to_contain_text("đạt")
    decide()
    refusal = page.get_by_test_id("refusal")
    assert refusal.count() == 0, refusal.inner_text()
    expect(page.get_by_test_id("case-stage")).to_have_text("Công bố")
    form = _form(page, "announce")
    form.locator("input[name=announced_on]").fill("2025-03-25")
    form.locator("input[name=where]").fill("Cổng thông tin điện tử tỉnh")
    page.get_by_test_id("announce").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-stage")).to_have_text("Theo dõi sau công nhận")
    shot(page, "flow-05-recognized")

    # The audit trail of Kỳ Lạc shows each step, newest first, and who made it.
    page.goto(f"/units/{ky_lac}/audit/")
    trail = page.get_by_test_id("audit-table")
    for label in (
        "Gửi kỳ nhập",
        "Xác nhận tiêu chí của kỳ nhập",
        "Phê duyệt kỳ nhập",
        "Khóa kỳ nhập",
        "Đăng ký xét công nhận",
        "Gửi hồ sơ công nhận",
        "Thẩm tra hồ sơ",
        "Thẩm định hồ sơ",
        "Ghi quyết định công nhận",
        "Quyết định công nhận",
        "Công bố công nhận",
    ):
        expect(trail.get_by_text(label).first).to_be_visible()
    for who in ("kylac", "sogtvt", "kyanh", "hatinh"):
        expect(trail.get_by_text(who).first).to_be_visible()
    shot(page, "flow-06-audit")
    page.goto(f"/units/{ky_lac}/audit/?action=certification.record")
    trail = page.get_by_test_id("audit-table")
    expect(trail.get_by_text("125/SGTVT-KHTC").first).to_be_visible()
    expect(trail.get_by_text("40/SNN-VPĐP").first).to_be_visible()
    context.close()

    # Anyone reads the decision on the public page of recognitions.
    context = browser.new_context(base_url=demo_server["base"], locale="vi-VN")
    page = context.new_page()
    page.goto("/recognitions/?q=ky+lac")
    expect(page.get_by_text("315/QĐ-UBND")).to_be_visible()
    context.close()
