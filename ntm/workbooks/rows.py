"""Reading a filled template, row by row: codes, formulas, types, duplicates and scope, each
problem with its sheet, row, column and the value shown (`read_workbook` reads a whole
file into a `WorkbookReading`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _

from ntm.core.criteria.model import IndicatorKind
from ntm.core.numbers import NumberError, parse_number
from ntm.number_messages import number_hint, page_locale
from ntm.values.bulk import (
    CellInput,
)
from ntm.workbooks.codes import (
    MET_WORDS,
    NOT_MET_WORDS,
    NOTE_MAX,
    SOURCE_MAX,
    CurrentValue,
    TemplateIndicator,
    TemplateUnit,
)
from ntm.workbooks.limits import (
    LimitExceeded,
    check_dimension,
    data_row_limit,
    too_many_rows,
)
from ntm.workbooks.reading import (
    INPUT_KEYS,
    Expectation,
    Location,
    Problem,
    WorkbookReading,
    WorkbookRefused,
    add_problem,
    cell_text,
    check_template,
    open_workbook,
    read_codes,
    unit_names,
)
from ntm.workbooks.template import values_in_force
from ntm.workbooks.template_layout import number_text
from ntm.workbooks.xlsx_reader import RowsExceeded, sheet_rows

logger = logging.getLogger(__name__)


# --- The rows -----------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A cell's value as the user sees it, for messages."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(float(value))
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != time(0)
            else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(cell) -> bool:
    """A formula cell. A text cell (data type "s", shared or inline string) that starts with
    "=" is text: the templates write sources and notes typed that way as text."""
    return getattr(cell, "data_type", None) == "f"


class CellValueError(ValueError):
    """A cell whose content cannot be read as what its column needs."""


def read_number(cell, *, percent_unit: bool) -> float:
    """A number from a cell: numbers as they are, text ("12,5", "1.234") by the rules of
    ``ntm.core.numbers`` in the active language, as the entry form reads it; a cell
    formatted as a percentage holds 0.85 for 85 %, read as 85 for a % indicator."""
    value = cell.value
    if isinstance(value, bool):
        raise CellValueError(_("là giá trị đúng/sai (TRUE/FALSE), cần một số."))
    if isinstance(value, datetime | date | time):
        raise CellValueError(
            _("là ngày tháng, cần một số. Định dạng ô về dạng số (General/Number).")
        )
    if isinstance(value, int | float):
        number = float(value)
        if percent_unit and "%" in (getattr(cell, "number_format", "") or ""):
            number = round(number * 100, 10)
        return number
    try:
        return parse_number(str(value), locale=page_locale())
    except NumberError as error:
        message = _("không phải là số.")
        if any(c.isdigit() for c in str(value)):
            message += " " + number_hint(error)
        raise CellValueError(message) from None


def read_judgement(cell) -> bool:
    value = cell.value
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFC", str(value)).strip().casefold()
    if text in MET_WORDS:
        return True
    if text in NOT_MET_WORDS:
        return False
    raise CellValueError(_("cần ghi “Đạt” hoặc “Chưa đạt”."))


Progress = Callable[[int, int], None]


def _bounded_rows(sheet, **options):
    """``sheet_rows``; a sheet past its template's last row is refused before it is read."""
    try:
        yield from sheet_rows(sheet, **options)
    except RowsExceeded as exceeded:
        raise WorkbookRefused(
            too_many_rows(sheet.title, exceeded.row, options["last_row"])
        ) from None


def _data_sheet(workbook, codes):
    """The template's data sheet; WorkbookRefused if it was renamed or removed."""
    if codes.data_sheet not in workbook.sheetnames:
        raise WorkbookRefused(
            _("Không có sheet “%(sheet)s” trong tệp: đừng đổi tên hay xoá sheet của mẫu.")
            % {"sheet": codes.data_sheet}
        )
    return workbook[codes.data_sheet]


def _data_rows(sheet, codes, width: int, last_row: int):
    """(row number, cells) from the header row on, only the columns read; WorkbookRefused
    for a sheet larger than its template allows."""
    try:
        check_dimension(sheet, max_row=last_row)
    except LimitExceeded as exceeded:
        raise WorkbookRefused(str(exceeded)) from None
    return (
        (number, cells)
        for number, cells in _bounded_rows(
            sheet,
            last_row=last_row,
            max_col=max(width, 1),
            columns={
                p + 1
                for p, (key, _header) in enumerate(codes.columns)
                if key in (*INPUT_KEYS, "unit_code", "unit_id", "indicator_code")
            },
            full_row=codes.header_row,
        )
        if number >= codes.header_row
    )


def _check_header(rows, codes, width: int) -> None:
    """The header row as the template wrote it; WorkbookRefused naming the first column
    inserted, removed or moved."""
    header_number, header = next(rows, (0, []))
    if header_number != codes.header_row:
        header = []
    found = [cell_text(c.value) if c is not None else "" for c in header] + [""] * width
    for position, (_key, expected) in enumerate(codes.columns):
        if found[position] != expected:
            letter = codes.column_letter(_key)
            raise WorkbookRefused(
                _(
                    "Sheet “%(sheet)s”, dòng %(row)d, cột %(column)s: tiêu đề là “%(found)s”, cần “%(expected)s”. Đừng chèn, xoá hay đổi chỗ các cột của mẫu."
                )
                % {
                    "sheet": codes.data_sheet,
                    "row": codes.header_row,
                    "column": letter,
                    "found": found[position],
                    "expected": expected,
                }
            )


def _skipped(row_number: int, cell, value_of, coded: bool, where, problem) -> bool:
    """A row not read: without codes (a problem if it holds data), or with formulas in its
    input cells (a problem each)."""
    given = [k for k in INPUT_KEYS if not _is_blank(value_of[k])]
    if not coded:
        if given:
            problem(
                where(row_number, given[0], value_of[given[0]]),
                _(
                    "Dòng có số liệu nhưng không có mã đơn vị và mã chỉ tiêu; hãy nhập vào dòng của mẫu."
                ),
            )
        return True
    formulas = [k for k in INPUT_KEYS if cell[k] is not None and _is_formula(cell[k])]
    for key in formulas:
        problem(
            where(row_number, key, value_of[key]),
            _("Ô chứa công thức; hãy nhập giá trị (khi dán, dùng Dán đặc biệt → Giá trị)."),
        )
    return bool(formulas)


def read_rows(workbook, reading: WorkbookReading, progress: Progress | None = None) -> None:
    """Every data row into cells, problems and warnings (no database access).

    `progress(done, total)` is called every few hundred rows (total is the template's).
    """
    codes = reading.codes
    sheet = _data_sheet(workbook, codes)
    width = len(codes.columns)
    last_row = data_row_limit(codes.header_row, len(codes.units), len(codes.indicators))
    rows = _data_rows(sheet, codes, width, last_row)
    _check_header(rows, codes, width)
    position = {key: p for p, (key, _header) in enumerate(codes.columns)}
    letters = {key: codes.column_letter(key) for key in position}
    units_by_id = {str(u.id): u for u in codes.units}
    units_by_code = {u.code: u for u in codes.units if u.code}
    indicators_by_code = {i.code: i for i in codes.indicators}
    first_row: dict[tuple[int, str], int] = {}
    sheet_name = codes.data_sheet

    def where(row_number: int, key: str, value: Any = None, column: str | None = None) -> Location:
        return Location(sheet_name, row_number, column or letters[key], _shown(value))

    def problem(location: Location, message: str) -> None:
        add_problem(reading, Problem(location, message))

    expected = max(len(codes.units) * len(codes.indicators), 1)
    for count, (row_number, cells) in enumerate(rows, start=codes.header_row + 1):
        if max(row_number, count) > last_row:
            # Rows past the template's own (a sheet of a million rows): stop reading.
            raise WorkbookRefused(too_many_rows(sheet_name, max(row_number, count), last_row))
        if progress is not None and row_number % 500 == 0:
            progress(min(row_number - codes.header_row, expected), expected)
        cells = list(cells) + [None] * (width - len(cells))
        cell = {key: cells[p] for key, p in position.items()}
        value_of = {key: (c.value if c is not None else None) for key, c in cell.items()}
        unit_code = cell_text(value_of["unit_code"])
        unit_id = cell_text(value_of["unit_id"])
        indicator_code = cell_text(value_of["indicator_code"])
        coded = bool(unit_code or unit_id or indicator_code)
        if _skipped(row_number, cell, value_of, coded, where, problem):
            continue
        unit = _find_unit(units_by_id, units_by_code, unit_id, unit_code)
        if unit is None:
            problem(
                where(row_number, "unit_code", value_of["unit_code"]),
                _(
                    "Mã đơn vị “%(code)s” không có trong mẫu này (mẫu gồm: %(names)s). Đừng sửa cột mã đơn vị."
                )
                % {"code": unit_code, "names": unit_names(list(codes.units))},
            )
            continue
        indicator = indicators_by_code.get(indicator_code)
        if indicator is None:
            problem(
                where(row_number, "indicator_code", value_of["indicator_code"]),
                _(
                    "Mã chỉ tiêu “%(code)s” không có trong bộ tiêu chí của mẫu. Đừng sửa cột mã chỉ tiêu."
                )
                % {"code": indicator_code},
            )
            continue
        cell_key = (unit.id, indicator.key)
        if cell_key in first_row:
            problem(
                where(row_number, "unit_code", value_of["unit_code"]),
                _("Trùng với dòng %(row)d: cùng đơn vị %(unit)s và chỉ tiêu %(code)s.")
                % {"row": first_row[cell_key], "unit": unit.name, "code": indicator.code},
            )
            continue
        first_row[cell_key] = row_number
        _read_row(reading, row_number, cell, value_of, unit, indicator, where, problem)


def _find_unit(
    units_by_id: dict[str, TemplateUnit],
    units_by_code: dict[str, TemplateUnit],
    unit_id: str,
    code: str,
) -> TemplateUnit | None:
    """The template's unit of a row: by the hidden id, else by the official code (a row
    added by hand); a row whose code contradicts its id is not guessed at."""
    if unit_id:
        found = units_by_id.get(unit_id)
        if found is not None and code and found.code and code.lstrip("0") != found.code.lstrip("0"):
            return None
        return found
    found = units_by_code.get(code)
    if found is None and code.isdigit():
        # A code typed as a number loses its leading zeros ("00447" -> 447).
        matches = [u for c, u in units_by_code.items() if c.lstrip("0") == code.lstrip("0")]
        found = matches[0] if len(matches) == 1 else None
    return found


def _read_ratio(reading, row_number, cell, value_of, indicator, has, fields, where, problem):
    """A ratio's numerator and denominator into ``fields`` (the value column must stay
    empty); returns (failed, given, column, shown) for the row's location."""
    failed = False
    if has["value"]:
        problem(
            where(row_number, "value", value_of["value"]),
            _(
                "Chỉ tiêu %(code)s là tỷ lệ: nhập tử số và mẫu số ở cột %(numerator)s và %(denominator)s, để trống cột này."
            )
            % {
                "code": indicator.code,
                "numerator": reading.codes.column_letter("numerator"),
                "denominator": reading.codes.column_letter("denominator"),
            },
        )
        failed = True
    for key in ("numerator", "denominator"):
        if has[key]:
            try:
                fields[key] = read_number(cell[key], percent_unit=False)
            except CellValueError as error:
                problem(where(row_number, key, value_of[key]), _capital(error))
                failed = True
    given = has["numerator"] or has["denominator"]
    column = (
        f"{reading.codes.column_letter('numerator')}–{reading.codes.column_letter('denominator')}"
    )
    shown = f"{_shown(value_of['numerator']) or '…'} / {_shown(value_of['denominator']) or '…'}"
    return failed, given, column, shown


def _read_value(reading, row_number, cell, value_of, indicator, kind, has, fields, where, problem):
    """A number or a judgement into ``fields`` (numerator and denominator must stay empty);
    returns (failed, given, column, shown) for the row's location."""
    failed = False
    for key in ("numerator", "denominator"):
        if has[key]:
            problem(
                where(row_number, key, value_of[key]),
                _(
                    "Chỉ tiêu %(code)s không phải tỷ lệ: nhập giá trị ở cột %(column)s, để trống cột này."
                )
                % {"code": indicator.code, "column": reading.codes.column_letter("value")},
            )
            failed = True
    if has["value"]:
        try:
            if kind is IndicatorKind.JUDGEMENT:
                fields["is_met"] = read_judgement(cell["value"])
            else:
                fields["value"] = read_number(cell["value"], percent_unit=indicator.measure == "%")
        except CellValueError as error:
            problem(where(row_number, "value", value_of["value"]), _capital(error))
            failed = True
    given = has["value"]
    column = reading.codes.column_letter("value")
    shown = _shown(value_of["value"])
    return failed, given, column, shown


def _too_long(row_number, value_of, source: str, note: str, where, problem) -> bool:
    """A problem for a source or a note longer than the system keeps; True if any."""
    failed = False
    if len(source) > SOURCE_MAX:
        problem(
            where(row_number, "source", value_of["source"]),
            _("Nguồn số liệu dài %(length)d ký tự, tối đa %(max)d.")
            % {"length": len(source), "max": SOURCE_MAX},
        )
        failed = True
    if len(note) > NOTE_MAX:
        problem(
            where(row_number, "note", value_of["note"]),
            _("Ghi chú dài %(length)d ký tự, tối đa %(max)d.")
            % {"length": len(note), "max": NOTE_MAX},
        )
        failed = True
    return failed


def _warn_blank(reading, row_number: int, column: str, source: str, note: str) -> None:
    """A row without a value: counted, and a warning if it has a source or a note."""
    reading.blank += 1
    if source or note:
        add_problem(
            reading,
            Problem(
                Location(reading.codes.data_sheet, row_number, column, ""),
                _(
                    "Có nguồn hoặc ghi chú nhưng không có giá trị: dòng này được bỏ qua (ô trống không xoá số liệu đã có)."
                ),
            ),
            warning=True,
        )


def _read_row(
    reading, row_number, cell, value_of, unit, indicator: TemplateIndicator, where, problem
):
    """One row of a known unit and indicator: its cells checked, then a cell to write in
    ``reading.cells``, a blank row counted, or its problems."""
    kind = IndicatorKind(indicator.kind)
    has = {k: not _is_blank(value_of[k]) for k in INPUT_KEYS}
    fields: dict[str, Any] = {}
    if kind is IndicatorKind.RATIO:
        failed, given, column, shown = _read_ratio(
            reading, row_number, cell, value_of, indicator, has, fields, where, problem
        )
    else:
        failed, given, column, shown = _read_value(
            reading, row_number, cell, value_of, indicator, kind, has, fields, where, problem
        )
    source, note = cell_text(value_of["source"]), cell_text(value_of["note"])
    failed = _too_long(row_number, value_of, source, note, where, problem) or failed
    if failed:
        return
    if not given:
        _warn_blank(reading, row_number, column, source, note)
        return
    location = Location(reading.codes.data_sheet, row_number, column, shown)
    cell_input = CellInput(
        unit_id=unit.id,
        indicator_key=indicator.key,
        observed_on=reading.codes.observed_on,
        source=source,
        note=note,
        where=location.where,
        base=reading.codes.base_for(unit.id, indicator.key),
        **fields,
    )
    reading.cells.append(cell_input)
    reading.locations[cell_input.where] = location


def _capital(error: Exception) -> str:
    text = str(error)
    return _("Giá trị %(reason)s") % {"reason": text} if text and text[0].islower() else text


def _same_as(cell: CellInput, current: CurrentValue) -> bool:
    return (
        cell.value == current.value
        and cell.numerator == current.numerator
        and cell.denominator == current.denominator
        and cell.is_met == current.is_met
        and cell.source == current.source
        and cell.note == current.note
    )


def drop_kept(reading: WorkbookReading) -> None:
    """Leave out cells that repeat the value in force from an earlier date (one query)."""
    reading.in_force = values_in_force(
        {c.unit_id for c in reading.cells},
        {c.indicator_key for c in reading.cells},
        reading.codes.observed_on,
    )
    kept = []
    for cell in reading.cells:
        current = reading.in_force.get((cell.unit_id, cell.indicator_key))
        if (
            current is not None
            and current.observed_on < cell.observed_on
            and _same_as(cell, current)
        ):
            reading.kept += 1
            continue
        kept.append(cell)
    reading.cells = kept


def read_workbook(
    content: bytes,
    *,
    expect: Expectation | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> WorkbookReading:
    """A file's template and cells, checked down to each row; WorkbookRefused for the file."""
    workbook = open_workbook(content)
    try:
        codes = read_codes(workbook)
        criteria_set, period, units = check_template(codes, expect or Expectation(), today=today)
        reading = WorkbookReading(
            codes=codes, criteria_set=criteria_set, period=period, units=units
        )
        read_rows(workbook, reading, progress)
    except WorkbookRefused:
        raise
    except Exception as error:  # noqa: BLE001 - a malformed part of the file is a refusal
        logger.info("workbook rows unreadable: %r", error)
        raise WorkbookRefused(_("Không đọc được nội dung tệp Excel: tệp bị hỏng.")) from None
    finally:
        workbook.close()
    drop_kept(reading)
    return reading


# --- Preview and import ---------------------------------------------------------------------
