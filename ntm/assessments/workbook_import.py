"""Read a filled template back: check the file, then every row, then plan or write the values.

Three layers of checks, each with a message that says where and why:
1. the file (size, a real .xlsx, the signed codes sheet, the set, the period, the units,
   the headers): a `WorkbookRefused` with one message, nothing else is looked at;
2. each row (codes, formulas, types, duplicates, scope): problems with sheet, row, column
   and the value shown;
3. each value against its indicator (`plan_values`): the same messages as every other way
   of entering values.
Only a file without any problem is written, all at once (`apply_values`). A blank cell
means "no value given" and never deletes a stored value; a cell that repeats the value in
force from an earlier date is not written again for this period.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.assessments.workbook import (
    CODES_SHEET,
    FORMAT_VERSION,
    MARKER,
    MET_WORDS,
    NOT_MET_WORDS,
    NOTE_MAX,
    SOURCE_MAX,
    CodesError,
    CurrentValue,
    TemplateCodes,
    TemplateIndicator,
    TemplateRefused,
    TemplateUnit,
    canonical_rows,
    check_period_ended,
    number_text,
    signature_matches,
    values_in_force,
)
from ntm.assessments.workbook_limits import (
    MAX_CODES_ROWS,
    MAX_PROBLEMS,
    LimitExceeded,
    check_archive,
    check_dimension,
    data_row_limit,
    more_text,
    too_many_rows,
)
from ntm.assessments.xlsx_reader import RowsExceeded, UploadedWorkbook, sheet_rows
from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorKind
from ntm.core.numbers import NumberError, parse_number
from ntm.core.periods import Period, PeriodError, parse_period
from ntm.criteria.models import CriteriaSet
from ntm.number_messages import number_hint, page_locale
from ntm.units.models import AdminUnit
from ntm.values.bulk import (
    CellInput,
    ChangeKind,
    ValuePlan,
    ValuesRefused,
    apply_values,
    plan_values,
)
from ntm.values.concurrency import WriteConflict

logger = logging.getLogger(__name__)

#: Upload limit; a template of 200 communes is well under 1 MB.
MAX_UPLOAD_BYTES = getattr(settings, "NTM_WORKBOOK_MAX_BYTES", 10 * 1024 * 1024)
INPUT_KEYS = ("value", "numerator", "denominator", "source", "note")


class WorkbookRefused(Exception):
    """A file that is not a usable template: nothing was read from it, nothing written."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Location:
    """Where a cell is, and the value shown in it, for messages and the problems table."""

    sheet: str
    row: int
    column: str
    shown: str = ""

    @property
    def where(self) -> str:
        place, value = _where_formats(get_language() or "")
        text = place % {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.shown:
            text += value % {"value": self.shown}
        return text


@lru_cache(maxsize=8)
def _where_formats(language: str) -> tuple[str, str]:
    """The two phrases of a cell's place, translated once per language (10,000 rows)."""
    return (
        _("Sheet “%(sheet)s”, dòng %(row)d, cột %(column)s"),
        _(", giá trị “%(value)s”"),
    )


@dataclass(frozen=True)
class Problem:
    """A problem with a cell: where, the value shown and why."""

    location: Location | None
    message: str

    @property
    def where(self) -> str:
        return self.location.where if self.location else ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class WorkbookReading:
    """What a file holds: the template it was made from and the cells it gives."""

    codes: TemplateCodes
    criteria_set: CriteriaSet
    period: Period
    units: dict[int, AdminUnit]
    cells: list[CellInput] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: cells equal to the value in force from an earlier date: kept, not written again
    kept: int = 0
    #: data rows with no value given
    blank: int = 0
    in_force: dict[tuple[int, str], CurrentValue] = field(default_factory=dict)
    #: problems and warnings found past the first MAX_PROBLEMS: counted, not kept
    more_problems: int = 0
    more_warnings: int = 0


def add_problem(reading: WorkbookReading, problem: Problem, *, warning: bool = False) -> None:
    """Keep the first MAX_PROBLEMS problems (or warnings) of a file; count the others."""
    kept = reading.warnings if warning else reading.problems
    if len(kept) < MAX_PROBLEMS:
        kept.append(problem)
    elif warning:
        reading.more_warnings += 1
    else:
        reading.more_problems += 1


@dataclass(frozen=True)
class Expectation:
    """What the page the file is uploaded on is for; None accepts any."""

    set_id: str | None = None
    period: str | None = None
    within: AdminUnit | None = None


# --- The file -------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return number_text(round(size / (1024 * 1024), 1))


def check_size(size: int) -> None:
    if size == 0:
        raise WorkbookRefused(_("Tệp rỗng (0 byte): không có gì để nhập."))
    if size > MAX_UPLOAD_BYTES:
        raise WorkbookRefused(
            _(
                "Tệp quá lớn: %(size)s MB, giới hạn là %(limit)s MB. Một mẫu 200 xã chưa đến 1 MB; hãy dùng đúng mẫu tải từ hệ thống."
            )
            % {"size": _megabytes(size), "limit": _megabytes(MAX_UPLOAD_BYTES)}
        )


def open_workbook(content: bytes):
    """The workbook of an .xlsx file, read-only; WorkbookRefused for anything else."""
    check_size(len(content))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookRefused(
            _(
                "Tệp là sổ tính Excel cũ (.xls) hoặc tệp Excel có đặt mật khẩu. Hãy mở tệp bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dạng “Excel Workbook (.xlsx)”."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookRefused(
            _(
                "Tệp không phải là tệp Excel .xlsx (không đọc được). Hãy tải lên đúng tệp mẫu đã điền, lưu dạng .xlsx."
            )
        ) from None
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused(
            _("Tệp nén này không phải sổ tính Excel .xlsx (thiếu phần xl/workbook.xml).")
        )
    try:
        check_archive(content)
    except LimitExceeded as exceeded:
        raise WorkbookRefused(str(exceeded)) from None
    try:
        return UploadedWorkbook(content)
    except Exception as error:  # noqa: BLE001 - any parser failure is a refusal, never a 500
        logger.info("unreadable workbook: %r", error)
        raise WorkbookRefused(
            _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_codes(workbook) -> TemplateCodes:
    """The codes sheet, checked against its signature."""
    if CODES_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            _(
                "Tệp không phải mẫu nhập liệu của ntm: không có sheet mã “%(sheet)s”. Hãy tải mẫu từ trang “Nhập, xuất Excel” của đơn vị rồi điền vào mẫu đó."
            )
            % {"sheet": CODES_SHEET}
        )
    codes_sheet = workbook[CODES_SHEET]
    try:
        check_dimension(codes_sheet, max_row=MAX_CODES_ROWS)
    except LimitExceeded as exceeded:
        raise WorkbookRefused(str(exceeded)) from None
    read = list(islice(codes_sheet.iter_rows(values_only=True), MAX_CODES_ROWS + 1))
    if len(read) > MAX_CODES_ROWS:
        raise WorkbookRefused(too_many_rows(CODES_SHEET, len(read), MAX_CODES_ROWS))
    rows = canonical_rows([[_text(v) for v in row] for row in read])
    if not rows or rows[0][:1] != [MARKER]:
        raise WorkbookRefused(
            _("Sheet “%(sheet)s” của tệp không phải sheet mã của mẫu ntm.") % {"sheet": CODES_SHEET}
        )
    if rows[0][1:2] != [FORMAT_VERSION]:
        raise WorkbookRefused(
            _(
                "Mẫu này theo định dạng cũ (phiên bản %(found)s); hãy tải mẫu mới và chép số liệu sang."
            )
            % {"found": (rows[0][1:2] or ["?"])[0]}
        )
    signature_rows = [r for r in rows if r[0] == "signature"]
    body = [r for r in rows if r[0] != "signature"]
    if len(signature_rows) != 1 or not signature_matches(
        body, signature_rows[0][1:2][0] if signature_rows[0][1:] else ""
    ):
        raise WorkbookRefused(
            _(
                "Sheet mã của mẫu đã bị sửa, hoặc mẫu được tạo từ một hệ thống ntm khác: chữ ký không khớp. Hãy tải lại mẫu và chép số liệu sang."
            )
        )
    try:
        return TemplateCodes.from_rows(body)
    except CodesError:
        raise WorkbookRefused(_("Sheet mã của mẫu không đọc được.")) from None


def check_template(codes: TemplateCodes, expect: Expectation, *, today: date | None = None):
    """The set, period and units a signed template names, as they are now; refusals say why."""
    from ntm.criteria.selectors import UnknownSet, get_set

    try:
        criteria_set = get_set(codes.set_id, codes.set_version)
    except UnknownSet:
        raise WorkbookRefused(
            _("Bộ tiêu chí “%(set)s” phiên bản %(version)s của mẫu không còn trong hệ thống.")
            % {"set": codes.set_id, "version": codes.set_version}
        ) from None
    if expect.set_id and expect.set_id != codes.set_id:
        try:
            expected_name = get_set(expect.set_id).name_vi
        except UnknownSet:
            expected_name = expect.set_id
        raise WorkbookRefused(
            _(
                "Tệp là mẫu của bộ tiêu chí “%(found)s”, không phải bộ “%(expected)s” đang chọn. Chọn đúng bộ tiêu chí, hoặc tải mẫu của bộ này."
            )
            % {"found": criteria_set.name_vi, "expected": expected_name}
        )
    try:
        period = parse_period(codes.period)
    except PeriodError:
        raise WorkbookRefused(
            _("Kỳ “%(period)s” của mẫu không hợp lệ.") % {"period": codes.period}
        ) from None
    if period.observed_on != codes.observed_on:
        raise WorkbookRefused(_("Kỳ “%(period)s” của mẫu không hợp lệ.") % {"period": codes.period})
    if expect.period:
        try:
            expected = parse_period(expect.period)
        except PeriodError:
            expected = None
        if expected is None or expected.observed_on != period.observed_on:
            raise WorkbookRefused(
                _("Tệp là mẫu của kỳ %(found)s, không phải kỳ %(expected)s đang chọn.")
                % {"found": period.label, "expected": expect.period}
            )
    check_period(period, today=today)
    units = AdminUnit.objects.select_related("parent__parent__parent").in_bulk(
        [u.id for u in codes.units]
    )
    for listed in codes.units:
        unit = units.get(listed.id)
        if unit is None or (unit.code, unit.valid_from, unit.valid_to) != (
            listed.code,
            listed.valid_from,
            listed.valid_to,
        ):
            raise WorkbookRefused(
                _(
                    "Đơn vị %(name)s (mã %(code)s) của mẫu không còn khớp với danh mục đơn vị hành chính. Hãy tải lại mẫu."
                )
                % {"name": listed.name, "code": listed.code}
            )
    if expect.within is not None:
        outside = [u for u in units.values() if not _is_within(u, expect.within)]
        if outside:
            raise WorkbookRefused(
                _(
                    "Tệp có đơn vị không thuộc %(unit)s: %(names)s. Hãy nhập tệp ở trang của đơn vị đã tải mẫu."
                )
                % {"unit": expect.within.name, "names": _names(outside)}
            )
    return criteria_set, period, units


def check_period(period: Period, *, today: date | None = None) -> None:
    """A period takes values once it has ended (see `check_period_ended`)."""
    try:
        check_period_ended(period, today=today)
    except TemplateRefused as refused:
        raise WorkbookRefused(refused.message) from None


def _is_within(unit: AdminUnit, root: AdminUnit) -> bool:
    current: AdminUnit | None = unit
    for _depth in range(5):
        if current is None:
            return False
        if current.pk == root.pk:
            return True
        current = current.parent
    return False


def _names(units: Sequence[AdminUnit | TemplateUnit], limit: int = 5) -> str:
    names = [u.name for u in units[:limit]]
    if len(units) > limit:
        names.append(_("và %(count)d đơn vị khác") % {"count": len(units) - limit})
    return ", ".join(names)


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


def read_rows(workbook, reading: WorkbookReading, progress: Progress | None = None) -> None:
    """Every data row into cells, problems and warnings (no database access).

    `progress(done, total)` is called every few hundred rows (total is the template's).
    """
    codes = reading.codes
    if codes.data_sheet not in workbook.sheetnames:
        raise WorkbookRefused(
            _("Không có sheet “%(sheet)s” trong tệp: đừng đổi tên hay xoá sheet của mẫu.")
            % {"sheet": codes.data_sheet}
        )
    sheet = workbook[codes.data_sheet]
    width = len(codes.columns)
    last_row = data_row_limit(codes.header_row, len(codes.units), len(codes.indicators))
    try:
        check_dimension(sheet, max_row=last_row)
    except LimitExceeded as exceeded:
        raise WorkbookRefused(str(exceeded)) from None
    rows = (
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
    header_number, header = next(rows, (0, []))
    if header_number != codes.header_row:
        header = []
    found = [_text(c.value) if c is not None else "" for c in header] + [""] * width
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
        unit_code = _text(value_of["unit_code"])
        unit_id = _text(value_of["unit_id"])
        indicator_code = _text(value_of["indicator_code"])
        given = [k for k in INPUT_KEYS if not _is_blank(value_of[k])]
        if not unit_code and not unit_id and not indicator_code:
            if given:
                problem(
                    where(row_number, given[0], value_of[given[0]]),
                    _(
                        "Dòng có số liệu nhưng không có mã đơn vị và mã chỉ tiêu; hãy nhập vào dòng của mẫu."
                    ),
                )
            continue
        formulas = [k for k in INPUT_KEYS if cell[k] is not None and _is_formula(cell[k])]
        for key in formulas:
            problem(
                where(row_number, key, value_of[key]),
                _("Ô chứa công thức; hãy nhập giá trị (khi dán, dùng Dán đặc biệt → Giá trị)."),
            )
        if formulas:
            continue
        unit = _find_unit(units_by_id, units_by_code, unit_id, unit_code)
        if unit is None:
            problem(
                where(row_number, "unit_code", value_of["unit_code"]),
                _(
                    "Mã đơn vị “%(code)s” không có trong mẫu này (mẫu gồm: %(names)s). Đừng sửa cột mã đơn vị."
                )
                % {"code": unit_code, "names": _names(list(codes.units))},
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


def _read_row(
    reading, row_number, cell, value_of, unit, indicator: TemplateIndicator, where, problem
):
    kind = IndicatorKind(indicator.kind)
    has = {k: not _is_blank(value_of[k]) for k in INPUT_KEYS}
    fields: dict[str, Any] = {}
    failed = False
    if kind is IndicatorKind.RATIO:
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
        column = f"{reading.codes.column_letter('numerator')}–{reading.codes.column_letter('denominator')}"
        shown = f"{_shown(value_of['numerator']) or '…'} / {_shown(value_of['denominator']) or '…'}"
    else:
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
                    fields["value"] = read_number(
                        cell["value"], percent_unit=indicator.measure == "%"
                    )
            except CellValueError as error:
                problem(where(row_number, "value", value_of["value"]), _capital(error))
                failed = True
        given = has["value"]
        column = reading.codes.column_letter("value")
        shown = _shown(value_of["value"])
    source, note = _text(value_of["source"]), _text(value_of["note"])
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
    if failed:
        return
    if not given:
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


@dataclass(frozen=True)
class ChangeRow:
    """One value that would be written, old -> new, for the preview table."""

    unit_name: str
    unit_code: str
    indicator_code: str
    indicator_name: str
    kind: str  # new | changed
    old: str
    old_on: date | None
    new: str
    source: str
    note: str
    location: Location | None


@dataclass
class ImportResult:
    """A preview (nothing written) or an import (written), or the problems that stop it."""

    reading: WorkbookReading
    plan: ValuePlan
    problems: list[Problem]
    applied: bool = False
    #: problems past the first MAX_PROBLEMS, counted only
    more_problems: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def more_problems_text(self) -> str:
        """ "… và 4.800 lỗi khác." when problems were left off the list, else ""."""
        return more_text(self.more_problems)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.plan.count(ChangeKind.NEW),
            "changed": self.plan.count(ChangeKind.CHANGED),
            "unchanged": self.plan.count(ChangeKind.UNCHANGED) + self.reading.kept,
            "blank": self.reading.blank,
            "problems": len(self.problems) + self.more_problems,
            "warnings": len(self.reading.warnings) + self.reading.more_warnings,
        }

    @property
    def fingerprint(self) -> str:
        """What would be written, as a digest: a confirmation writes what was previewed."""
        return plan_fingerprint(self.plan)

    def change_rows(self) -> list[ChangeRow]:
        definition = self.reading.criteria_set.to_domain()
        names = {i.key: i.name_vi for i in definition.indicators}
        rows = []
        for change in self.plan.writes:
            cell = change.cell
            indicator = change.indicator
            previous = change.previous
            earlier = self.reading.in_force.get((cell.unit_id, cell.indicator_key))
            old, old_on = "", None
            if previous is not None:
                old, old_on = value_text(previous, indicator), previous.observed_on
            elif earlier is not None:
                old, old_on = value_text(earlier, indicator), earlier.observed_on
            rows.append(
                ChangeRow(
                    unit_name=change.unit.name if change.unit else "",
                    unit_code=change.unit.code if change.unit else "",
                    indicator_code=indicator.code if indicator else cell.indicator_key,
                    indicator_name=names.get(cell.indicator_key, ""),
                    kind=change.kind.value,
                    old=old,
                    old_on=old_on,
                    new=value_text(cell, indicator),
                    source=cell.source,
                    note=cell.note,
                    location=self.reading.locations.get(cell.where),
                )
            )
        return rows


def plan_fingerprint(plan: ValuePlan) -> str:
    """What a plan would write, as a digest: a confirmation writes what was previewed."""
    digest = hashlib.sha256()
    for change in sorted(plan.writes, key=lambda c: (c.cell.unit_id, c.cell.indicator_key)):
        digest.update(
            repr(
                (
                    change.cell.cell_key,
                    sorted(change.cell.fields().items()),
                    change.previous.pk if change.previous is not None else None,
                )
            ).encode()
        )
    return digest.hexdigest()


def value_text(value: Any, indicator) -> str:
    """A value in words: "Đạt", "12,5 km", "8 / 10"."""
    measure = f" {indicator.unit}" if indicator is not None and indicator.unit else ""
    if getattr(value, "is_met", None) is not None:
        return _("Đạt") if value.is_met else _("Chưa đạt")
    if (
        getattr(value, "numerator", None) is not None
        or getattr(value, "denominator", None) is not None
    ):
        numerator = number_text(value.numerator) if value.numerator is not None else "…"
        denominator = number_text(value.denominator) if value.denominator is not None else "…"
        text = f"{numerator} / {denominator}"
        if value.numerator is not None and value.denominator:
            scale = indicator.ratio.scale if indicator is not None and indicator.ratio else 100.0
            text += (
                f" ({number_text(round(value.numerator / value.denominator * scale, 2))}{measure})"
            )
        return text
    if getattr(value, "value", None) is not None:
        return f"{number_text(value.value)}{measure}"
    return "—"


def _problems_of(reading: WorkbookReading, plan: ValuePlan) -> list[Problem]:
    found = list(reading.problems)
    for problem in plan.problems:
        found.append(Problem(reading.locations.get(problem.where), problem.message))
    found.sort(key=lambda p: (p.location.row, p.location.column) if p.location else (0, ""))
    return found


def _result(
    reading: WorkbookReading, plan: ValuePlan, problems: list[Problem], **extra: Any
) -> ImportResult:
    """The result with the first MAX_PROBLEMS problems; the others are counted."""
    more = max(len(problems) - MAX_PROBLEMS, 0) + reading.more_problems
    return ImportResult(reading, plan, problems[:MAX_PROBLEMS], more_problems=more, **extra)


def _scope_problems(reading: WorkbookReading, user) -> list[Problem]:
    """One problem per unit outside the user's scope that the file gives values for."""
    if user is None:
        return []
    scope = scope_of(user)
    outside: dict[int, list[CellInput]] = {}
    for cell in reading.cells:
        if not scope.allows(cell.unit_id):
            outside.setdefault(cell.unit_id, []).append(cell)
    problems = []
    for unit_id, cells in outside.items():
        unit = reading.units[unit_id]
        problems.append(
            Problem(
                reading.locations.get(cells[0].where),
                _(
                    "Đơn vị “%(unit)s” nằm ngoài phạm vi được giao của tài khoản này (%(count)d ô có số liệu); không nhập được số liệu của đơn vị này."
                )
                % {"unit": unit.name, "count": len(cells)},
            )
        )
    if outside:
        reading.cells = [c for c in reading.cells if c.unit_id not in outside]
    return problems


def preview_workbook(
    content: bytes,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    expect: Expectation | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read and check a file and say what it would change; writes nothing.

    WorkbookRefused for a file that cannot be read as a template or a user who may not
    enter values.
    """
    reading = read_workbook(content, expect=expect, today=today, progress=progress)
    scope_problems = _scope_problems(reading, user)
    try:
        plan = plan_values(reading.cells, user=user)
    except WriteDenied as error:
        raise WorkbookRefused(str(error)) from None
    return _result(reading, plan, _problems_of(reading, plan) + scope_problems)


def import_workbook(
    content: bytes,
    *,
    actor: Actor,
    filename: str = "",
    expect: Expectation | None = None,
    today: date | None = None,
) -> ImportResult:
    """Read a file and write every value of it in one transaction, or nothing."""
    reading = read_workbook(content, expect=expect, today=today)
    scope_problems = _scope_problems(reading, actor.user)
    if reading.problems or scope_problems:
        # Refused: the plan only completes the list of problems.
        try:
            plan = plan_values(reading.cells, user=actor.user)
        except WriteDenied as error:
            raise WorkbookRefused(str(error)) from None
        return _result(reading, plan, _problems_of(reading, plan) + scope_problems)
    # apply_values checks every cell again inside its transaction: one plan, not two.
    plan = apply_cells(
        reading.cells,
        actor=actor,
        reason=import_reason(filename, reading.criteria_set, reading.period),
    )
    if not plan.is_valid:
        return _result(reading, plan, _problems_of(reading, plan))
    return ImportResult(reading=reading, plan=plan, problems=[], applied=True)


def import_reason(filename: str, criteria_set: CriteriaSet, period: Period) -> str:
    return _("Nhập từ tệp Excel “%(file)s” (bộ %(set)s, kỳ %(period)s)") % {
        "file": filename or "?",
        "set": criteria_set,
        "period": period.label,
    }


def apply_cells(
    cells: Sequence[CellInput], *, actor: Actor, reason: str, fingerprint: str | None = None
) -> ValuePlan:
    """Write the cells of a checked file (all or nothing); the plan says what happened.

    With `fingerprint` (from the preview), raises StalePreview when what would be written
    changed since (values entered meanwhile), so the user looks at the new preview first.
    """
    try:
        if fingerprint is not None:
            current = plan_values(cells, user=actor.user)
            changed = current.is_valid and plan_fingerprint(current) != fingerprint
            if changed or any(p.conflict is not None for p in current.problems):
                raise StalePreview()
        return apply_values(cells, actor=actor, reason=reason)
    except ValuesRefused as refused:
        return refused.plan
    except (WriteDenied, WriteConflict) as error:
        raise WorkbookRefused(str(error)) from None


class StalePreview(Exception):
    """The values changed between the preview and the confirmation: nothing was written."""

    def __init__(self):
        super().__init__(
            _(
                "Số liệu trong hệ thống đã thay đổi từ lúc xem trước; không ghi gì. Hãy xem lại bản xem trước mới."
            )
        )
