"""The Excel round trip as the Hà Tĩnh coordination office does it, in headless Chromium:
download the template of Kỳ Anh's communes, fill it, upload, preview, confirm, and see
the new figures on the children overview."""

from __future__ import annotations

import re
from collections import defaultdict

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot

SET_ID = "hatinh-commune-ntm"


def _meeting_value(threshold: str, kind_cells) -> dict:
    """Values that meet a threshold as the template writes it ("≥ 36 triệu…", "Đạt")."""
    if threshold == "Đạt":
        return {"value": "Đạt"}
    sign, number = re.match(r"([≥≤><=])\s*([\d,]+)", threshold).groups()
    amount = float(number.replace(",", "."))  # Vietnamese decimal comma, no grouping
    if kind_cells == "ratio":
        # A share: 10 of 10 meets a floor, 0 of 10 meets a ceiling.
        return {"numerator": 10 if sign in "≥>" else 0, "denominator": 10}
    return {"value": amount + 1 if sign == ">" else max(amount - 1, 0) if sign == "<" else amount}


def _fill_one_criterion(path: str, unit_code: str, unmet: list[str]) -> tuple[str, int]:
    """Give the commune every value of one evaluable criterion it does not meet yet."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[4]]
    col = {name: header.index(name) for name in header if name}
    by_criterion = defaultdict(list)
    for row in sheet.iter_rows(min_row=5):
        if row[col["Mã đơn vị"]].value == unit_code and row[col["Mã chỉ tiêu"]].value:
            by_criterion[row[col["Tiêu chí"]].value].append(row)
    for number, rows in by_criterion.items():
        thresholds = [r[col["Yêu cầu (ngưỡng của đơn vị)"]].value for r in rows]
        statuses = [r[col["Đánh giá hiện tại"]].value for r in rows]
        evaluable = all("cần xác nhận" not in t for t in thresholds)
        if str(number) in unmet and evaluable and any(s != "Đạt" for s in statuses):
            for row, threshold in zip(rows, thresholds, strict=True):
                is_ratio = row[col["Tử số"]].protection.locked is False
                values = _meeting_value(threshold, "ratio" if is_ratio else "number")
                names = {
                    "value": "Giá trị / Đạt, Chưa đạt",
                    "numerator": "Tử số",
                    "denominator": "Mẫu số",
                }
                for key, value in values.items():
                    row[col[names[key]]].value = value
                row[col["Nguồn số liệu"]].value = "Báo cáo kiểm tra cuối năm 2021"
            workbook.save(path)
            return str(number), len(rows)
    raise AssertionError("no criterion of the commune can be brought to met")


def _row_of(page, name: str):
    return page.locator("tr", has=page.locator("a", has_text=re.compile(rf"^{name}$"))).first


def _met_of(page, name: str) -> int:
    return int(_row_of(page, name).get_by_test_id("child-met").inner_text().split("/")[0])


def _unmet_of(page, name: str) -> list[str]:
    """The numbers of the criteria the overview lists as not met ("10. Thu nhập")."""
    items = _row_of(page, name).locator("td.unmet li").all_inner_texts()
    return [item.split(".")[0].strip() for item in items]


def test_office_updates_ky_anh_communes_through_one_excel_file(page, demo_server, tmp_path):
    log_in(page, demo_server["accounts"], "hatinh")
    page.fill("#search", "ky anh")
    page.locator("a[href*='/units/']", has_text="Huyện Kỳ Anh").first.click()
    page.wait_for_load_state()
    district_id = re.search(r"/units/(\d+)/", page.url).group(1)

    page.goto(f"/units/{district_id}/children/?as_of=2021-12-31&set={SET_ID}")
    before = _met_of(page, "Xã Kỳ Lạc")
    unmet = _unmet_of(page, "Xã Kỳ Lạc")

    page.goto(f"/units/{district_id}/")
    page.get_by_test_id("workbook-link").click()
    page.wait_for_load_state()
    page.fill("#wb-period", "2021")
    page.locator("#wb-period").press("Enter")
    page.wait_for_load_state()
    if page.locator("#wb-set").input_value() != SET_ID:
        with page.expect_navigation():
            page.select_option("#wb-set", SET_ID)
    expect(page.locator("#step-download").locator("xpath=..")).to_contain_text("19 xã")
    shot(page, "20-workbook-page")
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    path = str(tmp_path / "ky-anh-2021.xlsx")
    download.value.save_as(path)
    number, filled = _fill_one_criterion(path, "18850", unmet)

    page.set_input_files("#wb-file", path)
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_url(re.compile(r"/excel/[A-Za-z0-9_-]{16,}/$"))
    expect(page.get_by_test_id("count-problems")).to_have_text("0", timeout=60000)
    expect(page.get_by_test_id("count-new")).to_have_text(str(filled))
    expect(page.get_by_test_id("changes")).to_contain_text("Xã Kỳ Lạc")
    shot(page, "21-workbook-preview")

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("applied")).to_contain_text(
        f"Đã ghi {filled} số liệu.", timeout=60000
    )
    shot(page, "22-workbook-applied")
    page.get_by_test_id("see-results").click()
    page.wait_for_load_state()
    assert _met_of(page, "Xã Kỳ Lạc") == before + 1, f"criterion {number} should now be met"
    shot(page, "23-children-after-import")
