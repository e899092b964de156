"""Writing a template's sheets: the cells' texts, the styles, the title, bands, drop-down
lists, the guide sheet and the hidden codes sheet (`ntm.workbooks.template` builds the
workbook with them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.numbers import format_number
from ntm.core.spreadsheet import write_cell
from ntm.number_messages import page_locale
from ntm.workbooks.codes import (
    COMPARATOR_SIGNS,
    SOURCE_MAX,
    CurrentValue,
    TemplateCodes,
)


def threshold_text(indicator: IndicatorDef, threshold: float) -> str:
    """ "≥ 100 %", "Đạt" for a judgement, "cần xác nhận" when no threshold is confirmed."""
    if indicator.kind is IndicatorKind.JUDGEMENT:
        return _("Đạt")
    if math.isnan(threshold):
        if indicator.thresholds:
            # Thresholds exist, but not for this unit's region or commune group.
            return _("cần xác nhận (chưa rõ vùng, nhóm xã của đơn vị)")
        return _("cần xác nhận")
    sign = COMPARATOR_SIGNS.get(indicator.comparator.value if indicator.comparator else "", "")
    amount = number_text(threshold)
    unit = f" {indicator.unit}" if indicator.unit else ""
    return f"{sign} {amount}{unit}".strip()


def number_text(value: float) -> str:
    """12.5 -> "12,5" in Vietnamese, "12.5" in English; at most 6 decimals, no trailing zeros."""
    return format_number(value, 6, locale=page_locale(), grouping=False)


def status_words() -> dict[int, str]:
    return {
        Status.MET: _("Đạt"),
        Status.NOT_MET: _("Chưa đạt"),
        Status.MISSING: _("Thiếu số liệu"),
        Status.NOT_EVALUABLE: _("Chưa đánh giá được"),
    }


def judgement_words() -> tuple[str, str]:
    """The two words of the judgement drop-down list, in the template's language."""
    return _("Đạt"), _("Chưa đạt")


# --- Styles -----------------------------------------------------------------------------

THIN = Side(style="thin", color="C9CED6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BAND_FILL = PatternFill("solid", fgColor="DCE6F1")
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
CLOSED_FILL = PatternFill("solid", fgColor="EEEEEE")
STATUS_FILLS = {
    Status.MET: PatternFill("solid", fgColor="D8F0DC"),
    Status.NOT_MET: PatternFill("solid", fgColor="F8D7DA"),
    Status.MISSING: PatternFill("solid", fgColor="F2F2F2"),
    Status.NOT_EVALUABLE: PatternFill("solid", fgColor="FFF0C2"),
}
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
UNLOCKED = Protection(locked=False)


def write_title(sheet, criteria_set, period, units, parent, width: int) -> None:
    title = write_cell(sheet, 1, 1, _("Mẫu nhập số liệu: %(set)s") % {"set": criteria_set.name_vi})
    title.font = Font(bold=True, size=14)
    who = (
        _("%(count)d xã của %(parent)s") % {"count": len(units), "parent": parent.name}
        if parent is not None
        else ", ".join(u.name for u in units)
    )
    write_cell(
        sheet,
        2,
        1,
        _("Kỳ %(period)s, số liệu tại ngày %(date)s · %(who)s · bộ %(set)s, phiên bản %(version)s")
        % {
            "period": period.label,
            "date": period.observed_on.strftime("%d/%m/%Y"),
            "who": who,
            "set": criteria_set.set_id,
            "version": criteria_set.version,
        },
    )
    legend = write_cell(
        sheet,
        3,
        1,
        _(
            "Chỉ nhập vào các ô nền vàng. Ô để trống nghĩa là không khai báo (không xoá số liệu đã có). "
            "Xem sheet “Hướng dẫn”."
        ),
    )
    legend.font = Font(italic=True, color="555555")


def write_band(sheet, row: int, number: str, name: str, width: int) -> None:
    text = _("Tiêu chí %(number)s. %(name)s") % {"number": number, "name": name} if number else name
    for column in range(1, width + 1):
        cell = sheet.cell(row, column)
        cell.fill = BAND_FILL
        cell.border = BORDER
    cell = write_cell(sheet, row, 1, text)
    cell.font = Font(bold=True)


def input_cells(
    indicator: IndicatorDef, value: CurrentValue | None, met: str, not_met: str
) -> dict[str, Any]:
    """The input cells of a row (present = open for entry), prefilled with the value in force."""
    cells: dict[str, Any] = {
        "source": value.source if value else None,
        "note": value.note if value else None,
    }
    if indicator.kind is IndicatorKind.RATIO:
        cells["numerator"] = _plain(value.numerator) if value else None
        cells["denominator"] = _plain(value.denominator) if value else None
    elif indicator.kind is IndicatorKind.JUDGEMENT:
        if value is not None and value.is_met is not None:
            cells["value"] = met if value.is_met else not_met
        else:
            cells["value"] = None
    else:
        cells["value"] = _plain(value.value) if value else None
    return {k: (v if v != "" else None) for k, v in cells.items()}


def _plain(number: float | None) -> float | int | None:
    if number is None:
        return None
    return int(number) if float(number).is_integer() else number


def make_validations() -> dict[str, DataValidation]:
    met, not_met = judgement_words()
    title = _("Giá trị không hợp lệ")
    return {
        "judgement": DataValidation(
            type="list",
            formula1=f'"{met},{not_met}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Chọn “%(met)s” hoặc “%(not_met)s” trong danh sách.")
            % {"met": met, "not_met": not_met},
        ),
        "number": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Nhập một số không âm (số thập phân được)."),
        ),
        "percent": DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Nhập tỷ lệ phần trăm từ 0 đến 100 (ví dụ 85,5 cho 85,5 %)."),
        ),
        "numerator": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Tử số là một số không âm."),
        ),
        "denominator": DataValidation(
            type="decimal",
            operator="greaterThan",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Mẫu số là một số lớn hơn 0."),
        ),
        "source": DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(SOURCE_MAX),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_("Nguồn số liệu tối đa %(count)d ký tự.") % {"count": SOURCE_MAX},
        ),
    }


#: Each validation: the kind of row it applies to and its column.
VALIDATED_COLUMNS = {
    "judgement": ("judgement", "value"),
    "number": ("number", "value"),
    "percent": ("percent", "value"),
    "numerator": ("ratio", "numerator"),
    "denominator": ("ratio", "denominator"),
    "source": ("any", "source"),
}
ROW_KINDS = ("judgement", "number", "percent", "ratio", "any")


def validation_kind(indicator: IndicatorDef) -> str:
    if indicator.kind is IndicatorKind.JUDGEMENT:
        return "judgement"
    if indicator.kind is IndicatorKind.RATIO:
        return "ratio"
    return "percent" if indicator.unit == "%" else "number"


def row_runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: [5, 6, 7, 9] -> [(5, 7), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def style_prototypes(workbook: Workbook) -> dict[str, Any]:
    """Cell styles made once and copied to each cell: styling 100,000 cells one attribute
    at a time costs seconds, copying a style array costs microseconds."""
    scratch = workbook.create_sheet("scratch")
    made: dict[str, Any] = {}

    def make(name: str, **attributes: Any) -> None:
        cell = scratch.cell(len(made) + 1, 1)
        cell.border = BORDER
        cell.alignment = attributes.pop("alignment", TOP)
        for attribute, value in attributes.items():
            setattr(cell, attribute, value)
        made[name] = cell._style

    for key in (
        "criterion",
        "indicator_code",
        "measure",
        "threshold",
        "unit_code",
        "unit_name",
        "unit_id",
    ):
        make(key)
    make("wrap", alignment=WRAP)
    make("observed_on", number_format="dd/mm/yyyy")
    make("status")
    make("closed", fill=CLOSED_FILL)
    for key in ("value", "numerator", "denominator"):
        make(f"input-{key}", fill=INPUT_FILL, protection=UNLOCKED)
    for key in ("source", "note"):
        make(f"input-{key}", fill=INPUT_FILL, protection=UNLOCKED, alignment=WRAP)
    for status, fill in STATUS_FILLS.items():
        make(f"status-{int(status)}", fill=fill)
    workbook.remove(scratch)
    return made


def _guide_heading(criteria_set, period, units, parent) -> list[tuple[str, bool]]:
    """The guide's title and what the template holds: set, period, units."""
    return [
        (_("Hướng dẫn nhập số liệu"), True),
        ("", False),
        (
            _("Bộ tiêu chí: %(name)s (%(id)s, phiên bản %(version)s)")
            % {
                "name": criteria_set.name_vi,
                "id": criteria_set.set_id,
                "version": criteria_set.version,
            },
            False,
        ),
        (
            _("Kỳ: %(period)s. Số liệu được ghi vào ngày cuối kỳ, %(date)s.")
            % {"period": period.label, "date": period.observed_on.strftime("%d/%m/%Y")},
            False,
        ),
        (
            _("Đơn vị: %(who)s.")
            % {
                "who": parent.name + " — " + _("%(count)d xã") % {"count": len(units)}
                if parent is not None
                else ", ".join(u.name for u in units)
            },
            False,
        ),
        ("", False),
    ]


def _guide_filling(codes: TemplateCodes) -> list[tuple[str, bool]]:
    """How to fill the template, rule by rule."""
    met, not_met = judgement_words()
    return [
        (_("Cách điền"), True),
        (
            _(
                "1. Chỉ nhập vào các ô nền vàng của sheet “%(sheet)s”. Các cột khác bị khoá để tránh sửa nhầm."
            )
            % {"sheet": codes.data_sheet},
            False,
        ),
        (
            _("2. Chỉ tiêu đánh giá: chọn “%(met)s” hoặc “%(not_met)s” trong danh sách.")
            % {"met": met, "not_met": not_met},
            False,
        ),
        (
            _(
                "3. Chỉ tiêu số: nhập một số không âm theo đơn vị tính; tỷ lệ phần trăm nhập từ 0 đến 100 (85,5 nghĩa là 85,5 %)."
            ),
            False,
        ),
        (
            _("4. Chỉ tiêu tỷ lệ: nhập hai số ở cột “Tử số” và “Mẫu số”; hệ thống tự tính tỷ lệ."),
            False,
        ),
        (
            _(
                "5. Ô để trống nghĩa là không khai báo: số liệu đã có được giữ nguyên, không bị xoá."
            ),
            False,
        ),
        (
            _(
                "6. Số liệu đang có được điền sẵn, kèm ngày của số liệu. Giữ nguyên một số liệu của ngày trước thì không ghi lại cho kỳ này."
            ),
            False,
        ),
        (
            _(
                "7. Khi sửa một số liệu, cập nhật cột “Nguồn số liệu” (văn bản, báo cáo) và “Ghi chú” nếu cần."
            ),
            False,
        ),
        (
            _(
                "8. Chỉ nhập giá trị, không dùng công thức. Khi dán từ bảng khác, dùng Dán đặc biệt → Giá trị."
            ),
            False,
        ),
        (
            _(
                "9. Không thêm, xoá, đổi tên hay đổi chỗ các cột và sheet; không sửa mã đơn vị, mã chỉ tiêu."
            ),
            False,
        ),
        (
            _(
                "10. Cột “Yêu cầu” là ngưỡng áp dụng cho chính đơn vị đó (theo vùng, nhóm xã và năm); “cần xác nhận” là ngưỡng chưa được xác nhận từ văn bản nên chỉ tiêu chưa đánh giá được."
            ),
            False,
        ),
        ("", False),
    ]


def _guide_import() -> list[tuple[str, bool]]:
    """How the filled file goes back into the system."""
    return [
        (_("Nhập lại vào hệ thống"), True),
        (
            _(
                "Tải tệp lên ở trang “Nhập, xuất Excel” của đơn vị. Hệ thống kiểm tra mọi ô, cho xem trước các thay đổi (số liệu cũ → mới) và chỉ ghi khi bạn xác nhận; nếu có một ô lỗi thì không ghi gì, và mỗi lỗi được chỉ rõ sheet, dòng, cột."
            ),
            False,
        ),
        (_("Nhập lại cùng một tệp lần thứ hai không thay đổi gì."), False),
    ]


def _guide_not_entered(criteria_set) -> list[tuple[str, bool]]:
    """What the template leaves out: indicators computed from the units below, criteria
    assessed by a department's certificate."""
    computed = [
        i.code
        for c in criteria_set.to_domain().criteria
        for i in c.indicators
        if i.kind is IndicatorKind.AGGREGATE
    ]
    by_document = [c for c in criteria_set.to_domain().criteria if not c.indicators]
    lines: list[tuple[str, bool]] = []
    if computed:
        lines.append(("", False))
        lines.append(
            (
                _("Chỉ tiêu tính tự động từ các đơn vị trực thuộc, không có trong mẫu: %(codes)s.")
                % {"codes": ", ".join(computed)},
                False,
            )
        )
    if by_document:
        lines.append(("", False))
        lines.append(
            (
                _(
                    "Tiêu chí đánh giá bằng văn bản xác nhận của sở, ngành (không có chỉ tiêu để nhập): %(list)s."
                )
                % {"list": "; ".join(f"{c.number}. {c.name_vi}" for c in by_document)},
                False,
            )
        )
    return lines


def write_guide(sheet, criteria_set, period, units, parent, codes: TemplateCodes) -> None:
    """The guide sheet: what the template holds, how to fill it and bring it back, and what
    it leaves out."""
    sheet.column_dimensions["A"].width = 110
    lines = [
        *_guide_heading(criteria_set, period, units, parent),
        *_guide_filling(codes),
        *_guide_import(),
        *_guide_not_entered(criteria_set),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = write_cell(sheet, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if row == 1 else 11)
    sheet.protection.sheet = True


def write_codes(sheet, codes: TemplateCodes) -> None:
    rows = [*codes.rows(), ["signature", codes.signature()]]
    for number, row in enumerate(rows, start=1):
        for column, text in enumerate(row, start=1):
            write_cell(sheet, number, column, text)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
