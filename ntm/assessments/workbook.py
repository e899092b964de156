"""Excel templates to fill: one workbook for a unit (or all communes under it), a set, a period.

Layout (sheet "Số liệu"): one row per unit × indicator, grouped by criterion under a band
row, indicators in the set's order and, within an indicator, the units by name. A row
carries everything needed to fill it: the indicator and its unit of measure, the threshold
that applies to *that* unit (regions and commune groups differ), the current value as of
the period's last day with its date, source and note, and today's status. This "long"
layout works the same for one commune (a form of ~50 rows) and for 200 communes (each
indicator a block of 200 consecutive rows, so a column copied from a department's own
sheet pastes in one go, and a filter on the unit gives one commune's form back).

A hidden, protected sheet of codes names the set version, the period, the units by
internal id with code and validity, the indicator keys and the column headers, signed
with an HMAC of the server's secret key: the import reads exactly what was sent out and
refuses a workbook whose structure was edited. It also names, per unit and indicator, the
value in force the template was prefilled with (its id, "bases"): on import a row equal to
it is not a write, and a changed row whose value was changed in ntm since the template was
made is refused with the newer value (``concurrency``).

Every cell is written by `ntm.core.spreadsheet.write_cell`: a source, a note or a unit name
that starts with "=" is a text cell, shown as typed, never a formula; the import reads such
a cell back as the same text, so an untouched template round-trips.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.signing import salted_hmac
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from ntm.assessments.evaluation import evaluate_units
from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.numbers import format_number
from ntm.core.periods import Period
from ntm.core.spreadsheet import write_cell
from ntm.criteria.models import CriteriaSet
from ntm.number_messages import page_locale
from ntm.units.models import AdminUnit
from ntm.values.concurrency import Base
from ntm.values.models import IndicatorValue

#: Bumped when the layout or the codes sheet changes; older files are refused with a message.
FORMAT_VERSION = "1"
MARKER = "ntm-workbook-template"
CODES_SHEET = "_ntm"
SIGNATURE_SALT = "ntm.assessments.workbook.template"
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1

#: Kinds of unit the programme does not assess (wards, townships...): left out of templates,
#: as they are left out of the children overview.
NOT_ASSESSED_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})

#: Judgement words accepted on import (case and accents as typed); the template offers the
#: first two of its language in a drop-down list.
MET_WORDS = ("đạt", "met", "yes", "có")
NOT_MET_WORDS = ("chưa đạt", "không đạt", "not met", "no", "không")

SOURCE_MAX = 300
NOTE_MAX = 2000

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    is_input: bool = False


def columns() -> tuple[Column, ...]:
    """The columns of the data sheet, in order; headers in the active language."""
    return (
        Column("criterion", _("Tiêu chí"), 8),
        Column("indicator_code", _("Mã chỉ tiêu"), 10),
        Column("indicator_name", _("Chỉ tiêu"), 46),
        Column("measure", _("Đơn vị tính"), 13),
        Column("threshold", _("Yêu cầu (ngưỡng của đơn vị)"), 17),
        Column("unit_code", _("Mã đơn vị"), 10),
        Column("unit_name", _("Đơn vị"), 22),
        Column("value", _("Giá trị / Đạt, Chưa đạt"), 15, True),
        Column("numerator", _("Tử số"), 11, True),
        Column("denominator", _("Mẫu số"), 11, True),
        Column("source", _("Nguồn số liệu"), 28, True),
        Column("note", _("Ghi chú"), 28, True),
        Column("observed_on", _("Số liệu hiện có, ngày"), 13),
        Column("status", _("Đánh giá hiện tại"), 24),
        # Hidden: the unit's internal id, which tells apart units without an official code.
        Column("unit_id", _("ID đơn vị"), 9),
    )


# --- The codes sheet ----------------------------------------------------------------------


class CodesError(ValueError):
    """The codes sheet is missing, unreadable or does not match its signature."""


@dataclass(frozen=True)
class TemplateUnit:
    id: int
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class TemplateIndicator:
    key: str
    code: str
    kind: str
    measure: str
    criterion: str


@dataclass(frozen=True)
class TemplateCodes:
    """What a template was made for; written to the codes sheet and signed."""

    set_id: str
    set_version: int
    period: str
    observed_on: date
    data_sheet: str
    header_row: int
    columns: tuple[tuple[str, str], ...]  # (key, header) in order
    units: tuple[TemplateUnit, ...]
    indicators: tuple[TemplateIndicator, ...]
    generated_at: str = ""
    generated_by: str = ""
    language: str = "vi"
    #: (unit id, indicator key) -> id of the value in force the template was prefilled with;
    #: None for a template made before bases were recorded (no check on import)
    bases: dict[tuple[int, str], int] | None = None

    def base_for(self, unit_id: int, key: str) -> Base | None:
        """The base of a row: the prefilled value, Base(None) when none was in force."""
        if self.bases is None:
            return None
        return Base(self.bases.get((unit_id, key)))

    def rows(self) -> list[list[str]]:
        """The codes sheet as rows of text (what is signed)."""
        rows = [
            [MARKER, FORMAT_VERSION],
            ["set", self.set_id, str(self.set_version)],
            ["period", self.period, self.observed_on.isoformat()],
            ["data_sheet", self.data_sheet, str(self.header_row)],
            ["generated", self.generated_at, self.generated_by, self.language],
        ]
        rows += [["column", key, header] for key, header in self.columns]
        rows += [
            [
                "unit",
                str(u.id),
                u.code,
                u.name,
                u.valid_from.isoformat() if u.valid_from else "",
                u.valid_to.isoformat() if u.valid_to else "",
            ]
            for u in self.units
        ]
        rows += [
            ["indicator", i.key, i.code, i.kind, i.measure, i.criterion] for i in self.indicators
        ]
        if self.bases is not None:
            rows.append(["bases", str(len(self.bases))])
            rows += [
                ["base", str(unit_id), key, str(value_id)]
                for (unit_id, key), value_id in sorted(self.bases.items())
            ]
        return rows

    def signature(self) -> str:
        return sign_rows(self.rows())

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[str]]) -> TemplateCodes:
        """Read the rows back (signature row excluded); CodesError when they make no sense."""
        try:
            head = {row[0]: row for row in rows[1:5]}
            set_row, period_row = head["set"], head["period"]
            sheet_row, generated = head["data_sheet"], head["generated"]
            return cls(
                set_id=set_row[1],
                set_version=int(set_row[2]),
                period=period_row[1],
                observed_on=date.fromisoformat(period_row[2]),
                data_sheet=sheet_row[1],
                header_row=int(sheet_row[2]),
                columns=tuple((r[1], r[2]) for r in rows if r[0] == "column"),
                units=tuple(
                    TemplateUnit(
                        id=int(r[1]),
                        code=r[2],
                        name=r[3],
                        valid_from=date.fromisoformat(r[4]) if r[4] else None,
                        valid_to=date.fromisoformat(r[5]) if r[5] else None,
                    )
                    for r in rows
                    if r[0] == "unit"
                ),
                indicators=tuple(
                    TemplateIndicator(key=r[1], code=r[2], kind=r[3], measure=r[4], criterion=r[5])
                    for r in rows
                    if r[0] == "indicator"
                ),
                generated_at=generated[1],
                generated_by=generated[2],
                language=generated[3],
                bases=(
                    {(int(r[1]), r[2]): int(r[3]) for r in rows if r[0] == "base"}
                    if any(r[0] == "bases" for r in rows)
                    else None
                ),
            )
        except (KeyError, IndexError, ValueError) as error:
            raise CodesError(str(error)) from None

    def column_letter(self, key: str) -> str:
        for position, (name, _header) in enumerate(self.columns, start=1):
            if name == key:
                return get_column_letter(position)
        raise KeyError(key)


def canonical_rows(rows: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Rows as a spreadsheet gives them back: empty cells are "", trailing ones dropped."""
    result = []
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            result.append(cells)
    return result


def sign_rows(rows: Sequence[Sequence[str]]) -> str:
    """HMAC-SHA256 of the rows with the server's secret key."""
    payload = json.dumps(canonical_rows(rows), ensure_ascii=False, separators=(",", ":"))
    return salted_hmac(SIGNATURE_SALT, payload, algorithm="sha256").hexdigest()


def signature_matches(rows: Sequence[Sequence[str]], signature: str) -> bool:
    return constant_time_compare(sign_rows(rows), signature or "")


# --- What goes in a template --------------------------------------------------------------


def entered_indicators(criteria_set: CriteriaSet) -> list[tuple[str, str, IndicatorDef]]:
    """(criterion number, criterion name, indicator) for every indicator entered by hand.

    Aggregates are computed from the children and never entered; the tier conditions come
    last under their own heading.
    """
    definition = criteria_set.to_domain()
    rows = [
        (c.number, c.name_vi, i)
        for c in definition.criteria
        for i in c.indicators
        if i.kind is not IndicatorKind.AGGREGATE
    ]
    rows += [
        ("", _("Điều kiện công nhận"), i)
        for i in definition.conditions
        if i.kind is not IndicatorKind.AGGREGATE
    ]
    return rows


def units_below(unit: AdminUnit, *, level: str, on: date) -> Q:
    """Units at a level under a unit (up to three levels down) in force on a date."""
    under = (
        Q(parent_id=unit.pk) | Q(parent__parent_id=unit.pk) | Q(parent__parent__parent_id=unit.pk)
    )
    in_force = (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    return under & in_force & Q(level=level) & ~Q(kind__in=NOT_ASSESSED_KINDS)


def template_units(
    unit: AdminUnit, *, level: str, on: date, children: bool, scope=None
) -> list[AdminUnit]:
    """The unit itself, or every assessed unit at `level` under it on the date (in scope)."""
    if not children:
        return [unit]
    rows = AdminUnit.objects.filter(units_below(unit, level=level, on=on))
    if scope is not None:
        rows = scope.filter(rows)
    return list(rows.order_by("name", "code", "id"))


@dataclass(frozen=True)
class CurrentValue:
    """The value in force for a cell on a date (possibly observed earlier)."""

    observed_on: date
    value: float | None
    numerator: float | None
    denominator: float | None
    is_met: bool | None
    source: str
    note: str
    id: int | None = None


def values_in_force(unit_ids: Iterable[int], keys: Iterable[str], on: date):
    """The latest current value per (unit, key) observed on or before a date: one query."""
    found: dict[tuple[int, str], CurrentValue] = {}
    unit_ids, keys = list(unit_ids), list(keys)
    if not unit_ids or not keys:
        return found
    rows = (
        IndicatorValue.objects.filter(
            unit_id__in=unit_ids, indicator_key__in=keys, observed_on__lte=on, is_current=True
        )
        .order_by("observed_on", "id")
        .values_list(
            "unit_id",
            "indicator_key",
            "observed_on",
            "value",
            "numerator",
            "denominator",
            "is_met",
            "source",
            "note",
            "id",
        )
    )
    for unit_id, key, *rest in rows:
        found[(unit_id, key)] = CurrentValue(*rest)
    return found


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


# --- Building the workbook ----------------------------------------------------------------


@dataclass(frozen=True)
class TemplateFile:
    content: bytes
    filename: str
    codes: TemplateCodes
    rows: int


def template_filename(
    criteria_set: CriteriaSet, period: Period, units: Sequence[AdminUnit], parent: AdminUnit | None
) -> str:
    from ntm.core.hierarchy import search_key

    who = parent.name if parent is not None else (units[0].name if units else "")
    slug = "-".join(search_key(who).split())[:40] or "units"
    return f"mau-{criteria_set.set_id}-{period.label}-{slug}.xlsx"


def build_template(
    *,
    criteria_set: CriteriaSet,
    units: Sequence[AdminUnit],
    period: Period,
    parent: AdminUnit | None = None,
    generated_by: str = "",
) -> TemplateFile:
    """A workbook to fill for the units, prefilled with the values in force on the period's
    last day, with each unit's own threshold and today's status."""
    on = period.observed_on
    indicators = entered_indicators(criteria_set)
    units = sorted(units, key=lambda u: (u.name, u.code, u.pk))
    evaluation = evaluate_units(criteria_set, units, on) if units else None
    position = {int(uid): p for p, uid in enumerate(evaluation.units.ids)} if evaluation else {}
    column_of = {ind.key: k for k, ind in enumerate(evaluation.indicators)} if evaluation else {}
    current = values_in_force([u.pk for u in units], [i.key for _n, _c, i in indicators], on)
    cols = columns()
    codes = TemplateCodes(
        set_id=criteria_set.set_id,
        set_version=criteria_set.version,
        period=period.label,
        observed_on=on,
        data_sheet=_("Số liệu"),
        header_row=HEADER_ROW,
        columns=tuple((c.key, c.header) for c in cols),
        units=tuple(TemplateUnit(u.pk, u.code, u.name, u.valid_from, u.valid_to) for u in units),
        indicators=tuple(
            TemplateIndicator(i.key, i.code, i.kind.value, i.unit, number)
            for number, _name, i in indicators
        ),
        generated_at=timezone.now().isoformat(timespec="seconds"),
        generated_by=generated_by,
        language=get_language() or "vi",
        bases={cell: value.id for cell, value in current.items() if value.id is not None},
    )

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = codes.data_sheet
    index = {c.key: p for p, c in enumerate(cols, start=1)}
    _write_title(sheet, criteria_set, period, units, parent, len(cols))
    for position_, column in enumerate(cols, start=1):
        cell = write_cell(sheet, HEADER_ROW, position_, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(position_)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 32

    validations = _validations()
    criterion_of = (
        {c.number: i for i, c in enumerate(evaluation.definition.criteria)} if evaluation else {}
    )

    def status_text(p: int, number: str, status: Status) -> str:
        """The indicator's status; for a criterion certified as a whole, the certificate's
        verdict too (a value entered after it will decide instead)."""
        text = statuses[status]
        c = criterion_of.get(number)
        if c is not None and bool(evaluation.certified[p, c]):
            verdict = statuses[Status(int(evaluation.criterion_status[p, c]))]
            text += " · " + _("tiêu chí theo văn bản xác nhận: %(status)s") % {"status": verdict}
        return text

    shown: dict[tuple[str, float | None], str] = {}

    def shown_threshold(indicator: IndicatorDef, threshold: float) -> str:
        key = (indicator.key, None if math.isnan(threshold) else threshold)
        if key not in shown:
            shown[key] = threshold_text(indicator, threshold)
        return shown[key]

    validation_rows: dict[str, list[int]] = {kind: [] for kind in ROW_KINDS}
    styles = _style_prototypes(workbook)
    statuses = status_words()
    met_word, not_met_word = judgement_words()
    row = FIRST_DATA_ROW
    last_criterion = None
    for number, criterion_name, indicator in indicators:
        if number != last_criterion:
            _band(sheet, row, number, criterion_name, len(cols))
            row += 1
            last_criterion = number
        name = indicator.name_vi
        if indicator.kind is IndicatorKind.RATIO and indicator.ratio is not None:
            name += "\n" + _("Tử số: %(numerator)s; mẫu số: %(denominator)s") % {
                "numerator": indicator.ratio.numerator,
                "denominator": indicator.ratio.denominator,
            }
        for unit in units:
            p = position[unit.pk]
            k = column_of[indicator.key]
            threshold = float(evaluation.threshold[p, k])
            status = Status(int(evaluation.indicator_status[p, k]))
            value = current.get((unit.pk, indicator.key))
            fixed = {
                "criterion": number,
                "indicator_code": indicator.code,
                "indicator_name": name,
                "measure": indicator.unit,
                "threshold": shown_threshold(indicator, threshold),
                "unit_code": unit.code,
                "unit_name": unit.name,
                "observed_on": value.observed_on if value else None,
                "status": status_text(p, number, status),
                "unit_id": unit.pk,
            }
            for key, content in fixed.items():
                named = {"indicator_name": "wrap", "status": f"status-{int(status)}"}
                write_cell(sheet, row, index[key], content, style=styles[named.get(key, key)])
            inputs = _inputs(indicator, value, met_word, not_met_word)
            for key in ("value", "numerator", "denominator", "source", "note"):
                style = styles[f"input-{key}" if key in inputs else "closed"]
                write_cell(sheet, row, index[key], inputs.get(key), style=style)
            validation_rows[_validation_kind(indicator)].append(row)
            validation_rows["any"].append(row)
            row += 1
    last_row = row - 1

    for name, validation in validations.items():
        kind, key = VALIDATED_COLUMNS[name]
        if validation_rows[kind]:
            letter = get_column_letter(index[key])
            validation.sqref = MultiCellRange(
                " ".join(f"{letter}{a}:{letter}{b}" for a, b in _runs(validation_rows[kind]))
            )
            sheet.add_data_validation(validation)
    sheet.column_dimensions[get_column_letter(index["unit_id"])].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    if last_row >= FIRST_DATA_ROW:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # Protected against slips (no password): codes and descriptions are locked, the yellow
    # cells are not; filters and column widths still work.
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.sort = False

    _write_guide(workbook.create_sheet(_("Hướng dẫn")), criteria_set, period, units, parent, codes)
    _write_codes(workbook.create_sheet(CODES_SHEET), codes)
    workbook.active = 0

    buffer = io.BytesIO()
    workbook.save(buffer)
    return TemplateFile(
        content=buffer.getvalue(),
        filename=template_filename(criteria_set, period, units, parent),
        codes=codes,
        rows=len(units) * len(indicators),
    )


def _write_title(sheet, criteria_set, period, units, parent, width: int) -> None:
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


def _band(sheet, row: int, number: str, name: str, width: int) -> None:
    text = _("Tiêu chí %(number)s. %(name)s") % {"number": number, "name": name} if number else name
    for column in range(1, width + 1):
        cell = sheet.cell(row, column)
        cell.fill = BAND_FILL
        cell.border = BORDER
    cell = write_cell(sheet, row, 1, text)
    cell.font = Font(bold=True)


def _inputs(
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


def _validations() -> dict[str, DataValidation]:
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


def _validation_kind(indicator: IndicatorDef) -> str:
    if indicator.kind is IndicatorKind.JUDGEMENT:
        return "judgement"
    if indicator.kind is IndicatorKind.RATIO:
        return "ratio"
    return "percent" if indicator.unit == "%" else "number"


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: [5, 6, 7, 9] -> [(5, 7), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _style_prototypes(workbook: Workbook) -> dict[str, Any]:
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


def _write_guide(sheet, criteria_set, period, units, parent, codes: TemplateCodes) -> None:
    sheet.column_dimensions["A"].width = 110
    met, not_met = judgement_words()
    computed = [
        i.code
        for c in criteria_set.to_domain().criteria
        for i in c.indicators
        if i.kind is IndicatorKind.AGGREGATE
    ]
    by_document = [c for c in criteria_set.to_domain().criteria if not c.indicators]
    lines: list[tuple[str, bool]] = [
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
        (_("Nhập lại vào hệ thống"), True),
        (
            _(
                "Tải tệp lên ở trang “Nhập, xuất Excel” của đơn vị. Hệ thống kiểm tra mọi ô, cho xem trước các thay đổi (số liệu cũ → mới) và chỉ ghi khi bạn xác nhận; nếu có một ô lỗi thì không ghi gì, và mỗi lỗi được chỉ rõ sheet, dòng, cột."
            ),
            False,
        ),
        (_("Nhập lại cùng một tệp lần thứ hai không thay đổi gì."), False),
    ]
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
    for row, (text, bold) in enumerate(lines, start=1):
        cell = write_cell(sheet, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if row == 1 else 11)
    sheet.protection.sheet = True


def _write_codes(sheet, codes: TemplateCodes) -> None:
    rows = [*codes.rows(), ["signature", codes.signature()]]
    for number, row in enumerate(rows, start=1):
        for column, text in enumerate(row, start=1):
            write_cell(sheet, number, column, text)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


# --- What a unit's workbook page offers -----------------------------------------------------


@dataclass(frozen=True)
class TemplateChoice:
    """A set a unit's page offers a template for: the unit itself, or its communes."""

    criteria_set: CriteriaSet
    for_children: bool
    level: str


def template_choices(unit: AdminUnit, *, on: date) -> list[TemplateChoice]:
    """Sets for the unit itself, then (for a district or province) sets for its communes."""
    from ntm.criteria.selectors import applicable_sets

    choices = [TemplateChoice(s, False, unit.level) for s in applicable_sets(unit, on)]
    if unit.level in ("district", "province"):
        sample = (
            AdminUnit.objects.filter(units_below(unit, level="commune", on=on))
            .select_related("parent__parent")
            .order_by("id")
            .first()
        )
        if sample is not None:
            choices += [TemplateChoice(s, True, "commune") for s in applicable_sets(sample, on)]
    return choices


def last_day_of(unit: AdminUnit, today: date) -> date:
    if unit.valid_to is not None:
        return min(today, unit.valid_to - timedelta(days=1))
    return today


def default_period(unit: AdminUnit, today: date) -> str:
    """The last year that has ended while the unit existed, or the unit's last day."""
    last = last_day_of(unit, today)
    year = last.year if last == date(last.year, 12, 31) else last.year - 1
    if unit.valid_from is not None and date(year, 12, 31) < unit.valid_from:
        return last.isoformat()
    return str(year)


def period_suggestions(unit: AdminUnit, today: date) -> list[str]:
    """Periods a user is likely to want: recent years, halves, the unit's last day."""
    last = last_day_of(unit, today)
    suggestions = [default_period(unit, today)]
    for year in range(last.year, last.year - 6, -1):
        for label, end in ((f"{year}", date(year, 12, 31)), (f"{year}-H1", date(year, 6, 30))):
            if end <= last and (unit.valid_from is None or end >= unit.valid_from):
                suggestions.append(label)
    suggestions.append(last.isoformat())
    return list(dict.fromkeys(suggestions))


class TemplateRefused(Exception):
    """A template that cannot be made as asked, with the reason for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def make_template(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    for_children: bool,
    user=None,
    today: date | None = None,
) -> TemplateFile:
    """The template for a unit (or its units at the set's level), checked as the web page,
    the API and the command line all check it. With a user: role and scope apply."""
    from ntm.accounts.permissions import WriteDenied, require_write
    from ntm.accounts.scope import scope_of
    from ntm.criteria.selectors import applicable_sets

    on = period.observed_on
    check_period_ended(period, today=today)
    if user is not None:
        try:
            require_write(user, unit)
        except WriteDenied as error:
            raise TemplateRefused(str(error)) from None
    if not (
        (unit.valid_from is None or unit.valid_from <= on)
        and (unit.valid_to is None or on < unit.valid_to)
    ):
        raise TemplateRefused(
            _("%(unit)s không tồn tại vào ngày %(date)s, ngày cuối của kỳ %(period)s.")
            % {"unit": unit.name, "date": on.strftime("%d/%m/%Y"), "period": period.label}
        )
    if not for_children and criteria_set.level != unit.level:
        raise TemplateRefused(
            _(
                "Bộ “%(set)s” dành cho cấp %(level)s, không dùng cho %(unit)s; "
                "chọn mẫu cho các đơn vị trực thuộc."
            )
            % {"set": criteria_set.name_vi, "level": criteria_set.level, "unit": unit.name}
        )
    scope = scope_of(user) if user is not None else None
    units = template_units(
        unit, level=criteria_set.level, on=on, children=for_children, scope=scope
    )
    if not units:
        raise TemplateRefused(
            _("%(unit)s không có đơn vị trực thuộc cấp %(level)s nào vào ngày %(date)s.")
            % {"unit": unit.name, "level": criteria_set.level, "date": on.strftime("%d/%m/%Y")}
        )
    sample = AdminUnit.objects.select_related("parent__parent__parent").get(pk=units[0].pk)
    if criteria_set.set_id not in {s.set_id for s in applicable_sets(sample, on)}:
        raise TemplateRefused(
            _("Bộ “%(set)s” không áp dụng cho %(unit)s vào ngày %(date)s.")
            % {"set": criteria_set.name_vi, "unit": sample.name, "date": on.strftime("%d/%m/%Y")}
        )
    name = ""
    if user is not None and user.is_authenticated:
        name = user.get_username()
    return build_template(
        criteria_set=criteria_set,
        units=units,
        period=period,
        parent=unit if for_children else None,
        generated_by=name,
    )


def check_period_ended(period: Period, *, today: date | None = None) -> None:
    """TemplateRefused for a period not yet ended: its values are observed on its last day,
    and a value dated in the future would show on no page until that day."""
    today = today or timezone.localdate()
    if period.observed_on > today:
        raise TemplateRefused(
            _(
                "Kỳ %(period)s chưa kết thúc (số liệu của kỳ ghi vào ngày %(date)s). "
                "Chọn một kỳ đã kết thúc, hoặc một ngày cụ thể, ví dụ %(today)s."
            )
            % {
                "period": period.label,
                "date": period.observed_on.strftime("%d/%m/%Y"),
                "today": today.isoformat(),
            }
        )


def read_period(text: str) -> Period:
    """A period typed by a user; TemplateRefused with the forms that work."""
    from ntm.core.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError:
        raise TemplateRefused(
            _(
                "Kỳ “%(text)s” không hợp lệ: ghi một năm (2024), nửa năm (2024-H1), "
                "quý (2024-Q3), tháng (2024-06) hoặc một ngày (2021-09-25)."
            )
            % {"text": text}
        ) from None
