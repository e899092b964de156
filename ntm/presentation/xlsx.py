"""Tables to XLSX: a title, what the table shows (filters, date), a frozen header row and
typed cells (numbers as numbers, dates as dates) with readable column widths.

Every cell is written by `ntm.core.spreadsheet.write_cell`: text is always a text cell, so
a source or a name typed as "=..." is shown as typed and never runs as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ntm.core.hierarchy import search_key
from ntm.core.spreadsheet import write_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS = {
    "text": "General",
    "int": "#,##0",
    "number": "#,##0.##",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


@dataclass(frozen=True)
class Col:
    """A column: its header, width (characters) and the kind of its cells."""

    header: str
    width: float = 14
    kind: str = "text"  # text | int | number | date | datetime
    wrap: bool = False


def table_xlsx(
    *,
    title: str,
    facts: Sequence[tuple[str, Any]],
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = "",
) -> bytes:
    """One sheet: the title, facts as "label: value" lines, a blank line, then the table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (sheet_name or _("Bảng"))[:31]
    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    row = 2
    facts = [*facts, (_("Xuất lúc"), timezone.localtime().replace(tzinfo=None))]
    for label, value in facts:
        write_cell(sheet, row, 1, label).font = Font(color="555555")
        cell = write_cell(sheet, row, 2, _cell_value(value))
        if isinstance(value, datetime):
            cell.number_format = FORMATS["datetime"]
            cell.alignment = Alignment(horizontal="left")
        elif isinstance(value, date):
            cell.number_format = FORMATS["date"]
            cell.alignment = Alignment(horizontal="left")
        row += 1
    header_row = row + 1
    thin = Side(style="thin", color="C9CED6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for position, column in enumerate(columns, start=1):
        cell = write_cell(sheet, header_row, position, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.row_dimensions[header_row].height = 30

    # One style per column, copied to each cell: styling attribute by attribute is slow.
    prototypes = []
    scratch = workbook.create_sheet("scratch")
    for position, column in enumerate(columns, start=1):
        cell = scratch.cell(1, position)
        cell.border = border
        cell.number_format = FORMATS[column.kind]
        cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
        prototypes.append(cell._style)
    workbook.remove(scratch)
    last = header_row
    for values in rows:
        last += 1
        for position, value in enumerate(values, start=1):
            write_cell(sheet, last, position, _cell_value(value), style=prototypes[position - 1])
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.auto_filter.ref = (
        f"A{header_row}:{get_column_letter(len(columns))}{max(last, header_row)}"
    )
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazy translation
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_download(content: bytes, name: str) -> HttpResponse:
    """An XLSX file as a download named ``name``."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def file_slug(text: str) -> str:
    """A file name part from a unit's or set's name: "Kỳ Anh" -> "ky-anh"."""
    return "-".join(search_key(text).split())[:50] or "bang"
