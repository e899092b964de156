"""The reader of uploaded workbooks (python-calamine for values, the sheet XML for formulas
and number formats), on files written by openpyxl as a user's Excel would save them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from ntm.workbooks.xlsx_reader import RowsExceeded, UploadedWorkbook, sheet_rows


def _file() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    sheet.append(["Mã", "Giá trị", "Nguồn"])  # row 1, the header
    sheet.append(["a", 12.5, "=theo báo cáo"])  # a source typed with "=": a text cell
    sheet["C2"].data_type = "s"
    sheet.append(["b", "=40+1", "x"])  # a formula typed into an input cell
    sheet.append(["c", 0.855, dt.date(2020, 5, 1)])
    sheet["B4"].number_format = "0.0%"
    sheet["C4"].number_format = "dd/mm/yyyy"
    sheet.append(["d", True, None])
    sheet["B5"].number_format = '#,##0.00" đ"'  # a custom format (id 164 and up)
    codes = workbook.create_sheet("_codes")
    codes.append(["ntm-template", 3])
    codes.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_values_formulas_text_and_formats_are_read_as_typed():
    workbook = UploadedWorkbook(_file())
    try:
        sheet = workbook["Số liệu"]
        assert (sheet.title, sheet.max_row, sheet.max_column) == ("Số liệu", 5, 3)
        rows = {
            number: [(c.value, c.data_type, c.number_format) if c else None for c in cells]
            for number, cells in sheet_rows(
                sheet, max_col=3, columns={2, 3}, full_row=1, last_row=10
            )
        }
    finally:
        workbook.close()
    assert rows[1][0] == ("Mã", "s", "General")  # the header row: every column
    assert rows[2] == [None, (12.5, "n", "General"), ("=theo báo cáo", "s", "General")]
    assert rows[3][1] == ("=40+1", "f", "General")
    assert rows[4][1] == (0.855, "n", "0.0%")
    assert rows[4][2] == (dt.date(2020, 5, 1), "d", "dd/mm/yyyy")
    assert rows[5][1] == (True, "b", '#,##0.00" đ"')
    assert rows[5][2] is None  # no cell in the XML


def test_the_very_hidden_codes_sheet_is_read():
    workbook = UploadedWorkbook(_file())
    try:
        assert workbook.sheetnames == ["Số liệu", "_codes"]
        assert list(workbook["_codes"].iter_rows(values_only=True)) == [("ntm-template", 3.0)]
    finally:
        workbook.close()


def test_a_sheet_past_its_last_row_is_refused_at_that_row():
    workbook = UploadedWorkbook(_file())
    try:
        with pytest.raises(RowsExceeded) as exceeded:
            list(sheet_rows(workbook["Số liệu"], max_col=3, full_row=1, last_row=3))
    finally:
        workbook.close()
    assert exceeded.value.row == 4
