"""Helpers for the workbook tests: a small district, templates, cells filled by hand."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from ntm.core.periods import parse_period
from ntm.criteria.selectors import get_set
from ntm.workbooks.codes import CODES_SHEET, FIRST_DATA_ROW, columns
from ntm.workbooks.template import build_template

PERIOD = "2020"
OBSERVED_ON = dt.date(2020, 12, 31)
TODAY = dt.date(2026, 11, 29)


def template_bytes(units, set_id: str = "test-commune", period: str = PERIOD, parent=None) -> bytes:
    return build_template(
        criteria_set=get_set(set_id), units=units, period=parse_period(period), parent=parent
    ).content


def column_index() -> dict[str, int]:
    return {c.key: p for p, c in enumerate(columns())}


def letter(key: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[column_index()[key]]


def find_row(sheet, unit_code: str, indicator_code: str) -> int:
    index = column_index()
    for number, row in enumerate(sheet.iter_rows(min_row=FIRST_DATA_ROW), start=FIRST_DATA_ROW):
        if (
            row[index["unit_code"]].value == unit_code
            and row[index["indicator_code"]].value == indicator_code
        ):
            return number
    raise LookupError((unit_code, indicator_code))


def fill(content: bytes, edits: dict[tuple[str, str], dict[str, Any]]) -> bytes:
    """Set cells by (unit code, indicator code) -> {column key: value}."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    index = column_index()
    for (unit_code, indicator_code), values in edits.items():
        row = find_row(sheet, unit_code, indicator_code)
        for key, value in values.items():
            sheet.cell(row, index[key] + 1).value = value
    return save(workbook)


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit(content: bytes, change) -> bytes:
    """Apply `change(workbook)` to a copy of the file."""
    workbook = load_workbook(io.BytesIO(content))
    change(workbook)
    return save(workbook)


def codes_rows(content: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(r) for r in workbook[CODES_SHEET].iter_rows(values_only=True)]


def zip_without(content: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
    return buffer.getvalue()
