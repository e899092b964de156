"""An uploaded .xlsx read for its values, without openpyxl's private parts.

python-calamine (Rust) reads the values: shared and inline strings, numbers, booleans,
dates by their number format, and the very hidden codes sheet. It does not say which
cells hold formulas, nor their number formats, so the data sheet's XML is also streamed
here (lxml ``iterparse``, no entities, no network, no huge trees), keeping of each row only
the cells of the columns asked for: a ``<f>`` child is a formula (a text cell starting
with "=" is a string cell, as ``ntm.core.spreadsheet.write_cell`` writes sources and
notes, and stays text); the style index gives the number format from ``styles.xml``.

The XML is scanned before calamine reads the sheet, so a sheet with more rows than its
template allows is refused (:class:`RowsExceeded`) without loading it.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIGITS = "0123456789"
#: Custom number formats start at this id (below are Excel's built-in ones).
FIRST_CUSTOM_FORMAT = 164


def _parser_options() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _xml(archive: zipfile.ZipFile, name: str):
    parser = etree.XMLParser(**_parser_options())
    with archive.open(name) as part:
        return etree.parse(part, parser).getroot()


@dataclass(frozen=True)
class SheetCell:
    """A cell as the data rows need it: its value, whether it holds a formula, its format."""

    value: Any
    data_type: str
    number_format: str


class RowsExceeded(ValueError):
    """A sheet holds a row past ``last_row``; ``row`` is the first such row (or count)."""

    def __init__(self, row: int):
        super().__init__(row)
        self.row = row


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int | float):
        return "n"
    if isinstance(value, datetime | date | time | timedelta):
        return "d"
    return "s"


class Sheet:
    """One sheet: its name, declared size (``<dimension>``) and values."""

    def __init__(self, workbook: UploadedWorkbook, title: str, path: str | None):
        self.workbook = workbook
        self.title = title
        self.path = path
        self.max_row, self.max_column = self._dimension()

    def _dimension(self) -> tuple[int, int]:
        """Rows and columns the sheet declares, read before any row; (0, 0) when none."""
        if self.path is None:
            return 0, 0
        with self.workbook.archive.open(self.path) as part:
            for _event, element in etree.iterparse(part, events=("start",), **_parser_options()):
                if element.tag == f"{MAIN_NS}dimension":
                    last = (element.get("ref") or "").split(":")[-1]
                    letters = last.rstrip(_DIGITS)
                    digits = last[len(letters) :]
                    try:
                        return int(digits or 0), column_index_from_string(letters) if letters else 0
                    except ValueError:
                        return 0, 0
                if element.tag == f"{MAIN_NS}sheetData":
                    break
        return 0, 0

    def values(self) -> list[list[Any]]:
        """Every value from A1 (row i is row i + 1; "" for an empty cell)."""
        sheet = self.workbook.calamine.get_sheet_by_name(self.title)
        return sheet.to_python(skip_empty_area=False)

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """Rows of values from row 1, None for an empty cell (as openpyxl's values_only)."""
        for row in self.values():
            yield tuple(None if v == "" else v for v in row)


class UploadedWorkbook:
    """The parts of an .xlsx the import reads: sheet names, sheets, number formats."""

    def __init__(self, content: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(content))
        self.calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
        self.sheetnames: list[str] = list(self.calamine.sheet_names)
        self._paths = self._sheet_paths()
        self._formats: list[str] | None = None

    def _sheet_paths(self) -> dict[str, str]:
        """Sheet name -> its part in the archive, from workbook.xml and its relationships."""
        names = set(self.archive.namelist())
        rels_name = "xl/_rels/workbook.xml.rels"
        targets: dict[str, str] = {}
        if rels_name in names:
            for rel in _xml(self.archive, rels_name).iter(f"{RELS_NS}Relationship"):
                target = rel.get("Target") or ""
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )
                targets[rel.get("Id") or ""] = posixpath.normpath(path)
        paths = {}
        for sheet in _xml(self.archive, "xl/workbook.xml").iter(f"{MAIN_NS}sheet"):
            path = targets.get(sheet.get(f"{DOC_RELS_NS}id") or "")
            if path in names:
                paths[sheet.get("name") or ""] = path
        return paths

    def __getitem__(self, name: str) -> Sheet:
        if name not in self.sheetnames:
            raise KeyError(name)
        return Sheet(self, name, self._paths.get(name))

    def number_formats(self) -> list[str]:
        """The number format of each cell style (``cellXfs``), "General" when none."""
        if self._formats is None:
            formats: list[str] = []
            if "xl/styles.xml" in self.archive.namelist():
                styles = _xml(self.archive, "xl/styles.xml")
                custom = {
                    int(f.get("numFmtId") or 0): f.get("formatCode") or "General"
                    for f in styles.iter(f"{MAIN_NS}numFmt")
                }
                cell_xfs = styles.find(f"{MAIN_NS}cellXfs")
                for xf in cell_xfs.iterfind(f"{MAIN_NS}xf") if cell_xfs is not None else ():
                    format_id = int(xf.get("numFmtId") or 0)
                    formats.append(
                        custom.get(format_id, "General")
                        if format_id >= FIRST_CUSTOM_FORMAT
                        else BUILTIN_FORMATS.get(format_id, "General")
                    )
            self._formats = formats
        return self._formats

    def close(self) -> None:
        self.calamine.close()
        self.archive.close()


def _scan(
    sheet: Sheet, *, max_col: int, columns: set[int] | None, full_row: int, last_row: int
) -> list[tuple[int, dict[int, tuple[int, str | None]]]]:
    """(row number, {column: (style, formula text or None)}) of every row from ``full_row``
    on, streamed from the sheet's XML; RowsExceeded at the first row past ``last_row``."""
    scanned: list[tuple[int, dict[int, tuple[int, str | None]]]] = []
    if sheet.path is None:
        return scanned
    cell_tag, formula_tag = f"{MAIN_NS}c", f"{MAIN_NS}f"
    indexes: dict[str, int] = {}
    expected_row = 0
    count = full_row
    with sheet.workbook.archive.open(sheet.path) as part:
        for _event, row in etree.iterparse(part, tag=f"{MAIN_NS}row", **_parser_options()):
            number = int(row.get("r") or expected_row + 1)
            expected_row = number
            if number >= full_row:
                count += 1 if number > full_row else 0
                if max(number, count) > last_row:
                    raise RowsExceeded(max(number, count))
                cells: dict[int, tuple[int, str | None]] = {}
                position = 0
                for cell in row.iterchildren(cell_tag):
                    reference = cell.get("r")
                    if reference:
                        letters = reference.rstrip(_DIGITS)
                        position = indexes.get(letters) or indexes.setdefault(
                            letters, column_index_from_string(letters)
                        )
                    else:
                        position += 1
                    if position <= max_col and (
                        columns is None or position in columns or number == full_row
                    ):
                        formula = cell.find(formula_tag)
                        text = None if formula is None else (formula.text or "")
                        cells[position] = (int(cell.get("s") or 0), text)
                scanned.append((number, cells))
            row.clear()
            while row.getprevious() is not None:  # the parsed rows, not only their cells
                del row.getparent()[0]
    return scanned


def sheet_rows(
    sheet: Sheet,
    *,
    max_col: int,
    columns: set[int] | None = None,
    full_row: int = 0,
    last_row: int,
) -> Iterator[tuple[int, list[SheetCell | None]]]:
    """(row number, cells A..max_col) of every row from ``full_row`` (the header) on.

    Only ``columns`` (1-based) are read, except on the header row, where every column is;
    a cell absent from the XML is None, a formula is "=..." with the data type "f".
    RowsExceeded, before any value is read, when the sheet goes past ``last_row``.
    """
    scanned = _scan(sheet, max_col=max_col, columns=columns, full_row=full_row, last_row=last_row)
    values = sheet.values() if scanned else []
    formats = sheet.workbook.number_formats()
    for number, found in scanned:
        row_values = values[number - 1] if number - 1 < len(values) else []
        cells: list[SheetCell | None] = [None] * max_col
        for position, (style, formula) in found.items():
            number_format = formats[style] if style < len(formats) else "General"
            if formula is not None:
                cells[position - 1] = SheetCell("=" + formula, "f", number_format)
                continue
            value = row_values[position - 1] if position - 1 < len(row_values) else ""
            value = None if value == "" else value
            cells[position - 1] = SheetCell(value, _kind(value), number_format)
        yield number, cells
