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
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange

from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.periods import Period
from ntm.core.spreadsheet import write_cell
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import evaluate_units
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.values.models import IndicatorValue
from ntm.workbooks.codes import (
    CODES_SHEET,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOT_ASSESSED_KINDS,
    CurrentValue,
    TemplateCodes,
    TemplateIndicator,
    TemplateUnit,
    columns,
)
from ntm.workbooks.template_layout import (
    BORDER,
    HEADER_FILL,
    HEADER_FONT,
    ROW_KINDS,
    VALIDATED_COLUMNS,
    input_cells,
    judgement_words,
    make_validations,
    row_runs,
    status_words,
    style_prototypes,
    threshold_text,
    validation_kind,
    write_band,
    write_codes,
    write_guide,
    write_title,
)

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


def _template_codes(
    criteria_set: CriteriaSet,
    units: Sequence[AdminUnit],
    period: Period,
    indicators: list[tuple[str, str, IndicatorDef]],
    current: dict[tuple[int, str], CurrentValue],
    cols,
    generated_by: str,
) -> TemplateCodes:
    """The codes of the hidden sheet: set, period, units, indicators, columns and the values
    the template was prefilled with."""
    on = period.observed_on
    return TemplateCodes(
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


def _write_header(sheet, cols) -> None:
    """The header row: each column's title and width."""
    for position_, column in enumerate(cols, start=1):
        cell = write_cell(sheet, HEADER_ROW, position_, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(position_)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 32


def _indicator_label(indicator: IndicatorDef) -> str:
    """The indicator's name; for a ratio, its numerator and denominator too."""
    name = indicator.name_vi
    if indicator.kind is IndicatorKind.RATIO and indicator.ratio is not None:
        name += "\n" + _("Tử số: %(numerator)s; mẫu số: %(denominator)s") % {
            "numerator": indicator.ratio.numerator,
            "denominator": indicator.ratio.denominator,
        }
    return name


def _write_rows(
    workbook,
    sheet,
    indicators: list[tuple[str, str, IndicatorDef]],
    units: Sequence[AdminUnit],
    evaluation,
    current: dict[tuple[int, str], CurrentValue],
    index: dict[str, int],
) -> tuple[dict[str, list[int]], int]:
    """The data rows: a band per criterion, then a row per indicator × unit with its
    threshold, value in force and status. Returns the rows of each validation kind and
    the last row written."""
    position = {int(uid): p for p, uid in enumerate(evaluation.units.ids)} if evaluation else {}
    column_of = {ind.key: k for k, ind in enumerate(evaluation.indicators)} if evaluation else {}
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
    styles = style_prototypes(workbook)
    statuses = status_words()
    met_word, not_met_word = judgement_words()
    row = FIRST_DATA_ROW
    last_criterion = None
    for number, criterion_name, indicator in indicators:
        if number != last_criterion:
            write_band(sheet, row, number, criterion_name, len(index))
            row += 1
            last_criterion = number
        name = _indicator_label(indicator)
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
            inputs = input_cells(indicator, value, met_word, not_met_word)
            for key in ("value", "numerator", "denominator", "source", "note"):
                style = styles[f"input-{key}" if key in inputs else "closed"]
                write_cell(sheet, row, index[key], inputs.get(key), style=style)
            validation_rows[validation_kind(indicator)].append(row)
            validation_rows["any"].append(row)
            row += 1
    return validation_rows, row - 1


def _add_validations(sheet, validations, validation_rows: dict[str, list[int]], index) -> None:
    """Each drop-down list or check on the rows of its kind, in its column."""
    for name, validation in validations.items():
        kind, key = VALIDATED_COLUMNS[name]
        if validation_rows[kind]:
            letter = get_column_letter(index[key])
            validation.sqref = MultiCellRange(
                " ".join(f"{letter}{a}:{letter}{b}" for a, b in row_runs(validation_rows[kind]))
            )
            sheet.add_data_validation(validation)


def _finish_data_sheet(sheet, index: dict[str, int], last_row: int, width: int) -> None:
    """The hidden id column, frozen header, filter, printing and the protection."""
    sheet.column_dimensions[get_column_letter(index["unit_id"])].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    if last_row >= FIRST_DATA_ROW:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{last_row}"
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
    current = values_in_force([u.pk for u in units], [i.key for _n, _c, i in indicators], on)
    cols = columns()
    codes = _template_codes(criteria_set, units, period, indicators, current, cols, generated_by)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = codes.data_sheet
    index = {c.key: p for p, c in enumerate(cols, start=1)}
    write_title(sheet, criteria_set, period, units, parent, len(cols))
    _write_header(sheet, cols)

    validations = make_validations()
    validation_rows, last_row = _write_rows(
        workbook, sheet, indicators, units, evaluation, current, index
    )
    _add_validations(sheet, validations, validation_rows, index)
    _finish_data_sheet(sheet, index, last_row, len(cols))

    write_guide(workbook.create_sheet(_("Hướng dẫn")), criteria_set, period, units, parent, codes)
    write_codes(workbook.create_sheet(CODES_SHEET), codes)
    workbook.active = 0

    buffer = io.BytesIO()
    workbook.save(buffer)
    return TemplateFile(
        content=buffer.getvalue(),
        filename=template_filename(criteria_set, period, units, parent),
        codes=codes,
        rows=len(units) * len(indicators),
    )


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
    if not is_in_force(unit, on):
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
