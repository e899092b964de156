"""Reading a filled template, the file itself: its size, a real .xlsx, the signed codes sheet,
the set, the period and the units it names (`WorkbookRefused` with one message), and the
problems and readings the row checks (`ntm.workbooks.rows`) fill in.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ntm.core.periods import Period, PeriodError, parse_period
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit
from ntm.values.bulk import (
    CellInput,
)
from ntm.workbooks.codes import (
    CODES_SHEET,
    FORMAT_VERSION,
    MARKER,
    CodesError,
    CurrentValue,
    TemplateCodes,
    TemplateUnit,
    canonical_rows,
    signature_matches,
)
from ntm.workbooks.limits import (
    MAX_CODES_ROWS,
    MAX_PROBLEMS,
    LimitExceeded,
    check_archive,
    check_dimension,
    too_many_rows,
)
from ntm.workbooks.template import TemplateRefused, check_period_ended
from ntm.workbooks.template_layout import number_text
from ntm.workbooks.xlsx_reader import UploadedWorkbook

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


def cell_text(value: Any) -> str:
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
    rows = canonical_rows([[cell_text(v) for v in row] for row in read])
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
                % {"unit": expect.within.name, "names": unit_names(outside)}
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


def unit_names(units: Sequence[AdminUnit | TemplateUnit], limit: int = 5) -> str:
    names = [u.name for u in units[:limit]]
    if len(units) > limit:
        names.append(_("và %(count)d đơn vị khác") % {"count": len(units) - limit})
    return ", ".join(names)
