"""Excel templates: what a template holds, and reading it back filled (round trip)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, VARIANT_SET, make_ky_anh, write_sets
from ntm.values import services
from ntm.values.models import IndicatorValue
from ntm.workbooks.codes import CODES_SHEET, FIRST_DATA_ROW, HEADER_ROW
from ntm.workbooks.importing import import_workbook, preview_workbook
from ntm.workbooks.tests.workbook_helpers import (
    OBSERVED_ON,
    column_index,
    fill,
    find_row,
    template_bytes,
)

pytestmark = pytest.mark.django_db

CLI = Actor(user=None, channel="cli")


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET, VARIANT_SET))
    units = make_ky_anh()
    # Kỳ Tây's region is unknown: only the threshold for every region applies to it.
    units["ky_tay"].region = ""
    units["ky_tay"].save()
    services.record_value(
        unit=units["ky_lac"],
        indicator_key="test-commune:10",
        observed_on=dt.date(2020, 6, 30),
        value=40.0,
        source="Báo cáo xã 6 tháng",
    )
    return units


def communes(units):
    return [units["ky_lac"], units["ky_tay"], units["lam_hop"]]


def data_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]


# --- The template -------------------------------------------------------------------------


def test_template_has_a_band_per_criterion_and_a_row_per_indicator_and_unit(ky_anh):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    rows = data_rows(content)
    index = column_index()
    bands = [r[0] for r in rows if r[index["indicator_code"]] is None]
    assert bands == ["Tiêu chí 1. Quy hoạch", "Tiêu chí 2. Giao thông", "Tiêu chí 10. Thu nhập"]
    keyed = [
        (r[index["indicator_code"]], r[index["unit_name"]])
        for r in rows
        if r[index["indicator_code"]] is not None
    ]
    # Indicator by indicator, the units by name within each: a column pastes in one go.
    assert keyed == [
        (code, name)
        for code in ("1.1", "2.1", "10")
        for name in ("Xã Kỳ Lạc", "Xã Kỳ Tây", "Xã Lâm Hợp")
    ]


def test_template_shows_each_units_own_threshold_and_the_value_in_force(ky_anh):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    index = column_index()

    def cells(unit_code, code):
        row = find_row(sheet, unit_code, code)
        return {key: sheet.cell(row, p + 1).value for key, p in index.items()}

    ky_lac, ky_tay = cells("18850", "10"), cells("18793", "10")
    assert ky_lac["threshold"] == "≥ 36 triệu đồng/người/năm"  # Bắc Trung Bộ
    assert ky_tay["threshold"] == "≥ 45 triệu đồng/người/năm"  # region unknown: every region
    assert (ky_lac["value"], ky_lac["source"], ky_lac["status"]) == (
        40,
        "Báo cáo xã 6 tháng",
        "Đạt",
    )
    assert ky_lac["observed_on"].date() == dt.date(2020, 6, 30)
    assert (ky_tay["value"], ky_tay["status"]) == (None, "Thiếu số liệu")
    judgement = cells("18850", "1.1")
    assert (judgement["threshold"], judgement["measure"]) == ("Đạt", None)
    ratio = cells("18850", "2.1")
    assert ratio["indicator_name"] == (
        "Đường trục xã được cứng hóa\nTử số: km cứng hóa; mẫu số: km đường trục xã"
    )
    assert ratio["threshold"] == "≥ 100 %"


def test_template_validates_cells_by_kind_and_locks_everything_but_the_inputs(ky_anh):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    rules = sorted(
        (v.type, v.operator or "", v.formula1, str(v.sqref))
        for v in sheet.data_validations.dataValidation
    )
    # Rows 6-8: judgement 1.1; 10-12: ratio 2.1; 14-16: number 10 (bands at 5, 9, 13).
    assert rules == [
        ("decimal", "greaterThan", "0", "J10:J12"),
        ("decimal", "greaterThanOrEqual", "0", "H14:H16"),
        ("decimal", "greaterThanOrEqual", "0", "I10:I12"),
        ("list", "", '"Đạt,Chưa đạt"', "H6:H8"),
        ("textLength", "lessThanOrEqual", "300", "K6:K8 K10:K12 K14:K16"),
    ]
    errors = {str(v.sqref): v.error for v in sheet.data_validations.dataValidation}
    assert errors["H6:H8"] == "Chọn “Đạt” hoặc “Chưa đạt” trong danh sách."
    assert errors["J10:J12"] == "Mẫu số là một số lớn hơn 0."
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:O16"
    assert sheet.protection.sheet is True
    assert sheet["H6"].protection.locked is False and sheet["A6"].protection.locked is True
    assert sheet["H10"].protection.locked is True  # a ratio is entered as its two numbers
    assert sheet["I10"].protection.locked is False
    assert sheet.column_dimensions["O"].hidden is True  # the internal unit id
    assert workbook[CODES_SHEET].sheet_state == "veryHidden"
    assert workbook.sheetnames == ["Số liệu", "Hướng dẫn", CODES_SHEET]


# --- Round trip ---------------------------------------------------------------------------


def test_filled_template_writes_every_value_and_a_second_import_changes_nothing(ky_anh):
    content = fill(
        template_bytes(communes(ky_anh), parent=ky_anh["district"]),
        {
            ("18850", "1.1"): {"value": "Đạt", "source": "Văn bản 12/UBND"},
            ("18850", "2.1"): {"numerator": 8.5, "denominator": 10},
            ("18793", "10"): {"value": 47.25, "note": "ước tính"},
            ("18850", "10"): {"value": 41},
        },
    )
    result = import_workbook(content, actor=CLI, filename="ky-anh.xlsx")
    assert result.applied and result.problems == []
    assert (result.counts["new"], result.counts["changed"]) == (4, 0)
    stored = {
        (v.unit.code, v.indicator_key): (
            v.value,
            v.numerator,
            v.denominator,
            v.is_met,
            v.source,
            v.note,
        )
        for v in IndicatorValue.objects.filter(
            observed_on=OBSERVED_ON, is_current=True
        ).select_related("unit")
    }
    assert stored == {
        ("18850", "test-commune:1.1"): (None, None, None, True, "Văn bản 12/UBND", ""),
        ("18850", "test-commune:2.1"): (None, 8.5, 10.0, None, "", ""),
        ("18793", "test-commune:10"): (47.25, None, None, None, "", "ước tính"),
        # The prefilled source stays with the new figure unless the user changes it.
        ("18850", "test-commune:10"): (41.0, None, None, None, "Báo cáo xã 6 tháng", ""),
    }
    entries = AuditEntry.objects.filter(action="value.create", channel="cli")
    assert entries.count() == 4
    assert set(entries.values_list("channel", "reason")) == {
        ("cli", "Nhập từ tệp Excel “ky-anh.xlsx” (bộ test-commune@1, kỳ 2020)")
    }

    again = import_workbook(content, actor=CLI, filename="ky-anh.xlsx")
    assert again.applied and (again.counts["new"], again.counts["changed"]) == (0, 0)
    assert again.counts["unchanged"] == 4
    assert IndicatorValue.objects.count() == 5
    assert AuditEntry.objects.filter(channel="cli").count() == 4


def test_a_corrected_value_keeps_the_previous_one_in_history(ky_anh):
    template = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    import_workbook(fill(template, {("18793", "10"): {"value": 30}}), actor=CLI)
    # A new template: the one filled first was made before 30 was saved (a stale base).
    template = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    result = import_workbook(fill(template, {("18793", "10"): {"value": 33.5}}), actor=CLI)
    assert (result.counts["new"], result.counts["changed"]) == (0, 1)
    rows = IndicatorValue.objects.filter(unit=ky_anh["ky_tay"]).order_by("id")
    assert [(r.value, r.is_current) for r in rows] == [(30.0, False), (33.5, True)]
    assert rows[1].supersedes_id == rows[0].id


def test_a_prefilled_value_of_an_earlier_date_left_as_it_is_is_not_written_again(ky_anh):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    preview = preview_workbook(content, user=None)
    assert preview.problems == []
    assert preview.counts == {
        "new": 0,
        "changed": 0,
        "unchanged": 1,  # Kỳ Lạc's 40 of 30/6/2020 is still in force on 31/12/2020
        "blank": 8,
        "problems": 0,
        "warnings": 0,
    }
    assert preview.plan.writes == []


def test_a_blank_cell_never_deletes_a_stored_value(ky_anh):
    content = fill(
        template_bytes(communes(ky_anh), parent=ky_anh["district"]),
        {("18850", "10"): {"value": None}},
    )
    result = import_workbook(content, actor=CLI)
    assert result.applied and result.counts["new"] == 0
    assert [w.message for w in result.reading.warnings] == [
        "Có nguồn hoặc ghi chú nhưng không có giá trị: dòng này được bỏ qua (ô trống không xoá số liệu đã có)."
    ]
    assert list(IndicatorValue.objects.values_list("value", "is_current")) == [(40.0, True)]


def test_percent_formatted_cell_and_numbers_typed_as_text_are_read_as_the_user_sees_them(ky_anh):
    def change(workbook):
        sheet = workbook.worksheets[0]
        index = column_index()
        row = find_row(sheet, "18793", "10")
        sheet.cell(row, index["value"] + 1, "47,5")
        row = find_row(sheet, "18850", "2.1")
        sheet.cell(row, index["numerator"] + 1, " 8.25 ")
        sheet.cell(row, index["denominator"] + 1, 10)

    from ntm.workbooks.tests.workbook_helpers import edit

    content = edit(template_bytes(communes(ky_anh), parent=ky_anh["district"]), change)
    result = preview_workbook(content, user=None)
    assert result.problems == []
    given = {
        (c.unit_id, c.indicator_key): (c.value, c.numerator, c.denominator)
        for c in result.reading.cells
    }
    assert given[(ky_anh["ky_tay"].id, "test-commune:10")] == (47.5, None, None)
    assert given[(ky_anh["ky_lac"].id, "test-commune:2.1")] == (None, 8.25, 10.0)


def test_a_percentage_formatted_cell_is_read_as_the_percent_it_shows(tmp_path):
    load_criteria_sets(
        write_sets(
            tmp_path / "sets",
            {
                **COMMUNE_SET,
                "revocation_key_criteria": [],
                "criteria": [
                    {
                        "number": "17",
                        "name_vi": "Môi trường",
                        "indicators": [
                            {
                                "code": "17.1",
                                "name_vi": "Tỷ lệ hộ dùng nước sạch",
                                "kind": "number",
                                "unit": "%",
                                "comparator": ">=",
                                "thresholds": [{"value": 95, "confidence": "verified"}],
                            }
                        ],
                    }
                ],
            },
        )
    )
    units = make_ky_anh()

    def change(workbook):
        sheet = workbook.worksheets[0]
        cell = sheet.cell(find_row(sheet, "18850", "17.1"), column_index()["value"] + 1)
        cell.value = 0.855  # typed "85,5%" in a cell formatted as a percentage
        cell.number_format = "0.0%"
        judgement = sheet.cell(find_row(sheet, "18793", "17.1"), column_index()["value"] + 1)
        judgement.value = True  # TRUE where a number goes

    from ntm.workbooks.tests.workbook_helpers import edit

    content = edit(template_bytes([units["ky_lac"], units["ky_tay"]]), change)
    result = preview_workbook(content, user=None)
    assert [(p.location.row, p.message) for p in result.problems] == [
        (7, "Giá trị là giá trị đúng/sai (TRUE/FALSE), cần một số.")
    ]
    assert [(c.unit_id, c.value) for c in result.reading.cells] == [(units["ky_lac"].id, 85.5)]
