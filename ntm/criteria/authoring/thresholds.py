"""Threshold edits on a draft: decisions, cells, and the loosening check."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.core.criteria.model import (
    COMMUNE_GROUPS,
    REGIONS,
    Comparator,
    CriteriaSetDef,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
)
from ntm.core.criteria.schema import first_loosened
from ntm.criteria.authoring.drafts import _base_definition, _edit, _own_indicator, _save
from ntm.criteria.authoring.rights import SYMBOLS, AuthoringError, own_codes
from ntm.criteria.models import CriteriaSet
from ntm.number_messages import number_in_text
from ntm.units.models import CommuneGroupChoices, RegionChoices

# --- Thresholds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The decision that sets a threshold (number, date, issuer): kept as the row's source."""

    number: str
    date: dt.date | None
    issuer: str

    def reference(self) -> str:
        day = self.date.strftime("%d/%m/%Y") if self.date else ""
        return (
            f"{self.number} ngày {day}, {self.issuer}" if day else f"{self.number}, {self.issuer}"
        )

    def check(self) -> None:
        """Refuse an incomplete decision: a threshold is never set without its source."""
        if not self.number.strip():
            raise AuthoringError(
                _("Cần số văn bản đặt ngưỡng (ví dụ 123/QĐ-UBND)."), field="decision_number"
            )
        if self.date is None:
            raise AuthoringError(_("Cần ngày ban hành văn bản."), field="decision_date")
        if self.date > timezone.localdate():
            raise AuthoringError(
                _("Ngày ban hành %(date)s ở sau hôm nay.")
                % {"date": self.date.strftime("%d/%m/%Y")},
                field="decision_date",
            )
        if not self.issuer.strip():
            raise AuthoringError(_("Cần cơ quan ban hành văn bản."), field="decision_issuer")


@dataclass(frozen=True)
class ThresholdCell:
    """One threshold as entered: a value for a region or commune group, from a year on."""

    value: float
    region: str | None = None
    group: int | None = None
    from_year: int | None = None

    @property
    def key(self) -> tuple[str | None, int | None, int | None]:
        return (self.region, self.group, self.from_year)


def scope_words(region: str | None, group: int | None, from_year: int | None) -> str:
    """'Bắc Trung Bộ, từ năm 2020' for messages about one cell of a threshold table."""
    if region:
        words = str(RegionChoices(region).label) if region in RegionChoices.values else region
    elif group:
        words = str(CommuneGroupChoices(group).label)
    else:
        words = str(_("Mọi đơn vị"))
    if from_year is not None:
        words += ", " + _("từ năm %(year)d") % {"year": from_year}
    return words


def _find_indicator(definition: CriteriaSetDef, code: str) -> IndicatorDef:
    for indicator in definition.indicators:
        if indicator.code == code:
            return indicator
    raise AuthoringError(_("Không có chỉ tiêu %(code)s trong bộ.") % {"code": code}, field="code")


def _check_cells(
    cells: Sequence[ThresholdCell], indicator: IndicatorDef, differentiation: str
) -> None:
    seen: set[tuple[Any, ...]] = set()
    for cell in cells:
        where = scope_words(cell.region, cell.group, cell.from_year)
        if isinstance(cell.value, bool) or not math.isfinite(cell.value):
            raise AuthoringError(_("%(where)s: ngưỡng phải là một số.") % {"where": where})
        if cell.value < 0:
            raise AuthoringError(
                _("%(where)s: ngưỡng %(value)s không được âm.")
                % {"where": where, "value": number_in_text(cell.value)}
            )
        if indicator.unit == "%" and cell.value > 100:
            raise AuthoringError(
                _("%(where)s: ngưỡng phần trăm %(value)s nằm ngoài khoảng 0–100.")
                % {"where": where, "value": number_in_text(cell.value)}
            )
        if cell.region is not None and (
            differentiation != Differentiation.REGION or cell.region not in REGIONS
        ):
            raise AuthoringError(
                _("%(where)s: bộ tiêu chí này không phân hóa ngưỡng theo vùng.") % {"where": where}
            )
        if cell.group is not None and (
            differentiation != Differentiation.COMMUNE_GROUP or cell.group not in COMMUNE_GROUPS
        ):
            raise AuthoringError(
                _("%(where)s: bộ tiêu chí này không phân hóa ngưỡng theo nhóm xã.")
                % {"where": where}
            )
        if cell.from_year is not None and not 1990 <= cell.from_year <= 2100:
            raise AuthoringError(
                _("Năm áp dụng %(year)d phải trong khoảng 1990–2100.") % {"year": cell.from_year},
                field="years",
            )
        if cell.key in seen:
            raise AuthoringError(_("%(where)s: nhập hai lần.") % {"where": where})
        seen.add(cell.key)


def _rows_for(
    cells: Sequence[ThresholdCell],
    current: Sequence[dict[str, Any]],
    decision: Decision | None,
    *,
    confirm_all: bool,
) -> tuple[list[dict[str, Any]], int]:
    """Document rows for the entered cells: an unchanged cell keeps its row (and source)
    unless every cell is being confirmed; a new or changed value takes the decision.
    Returns the rows and how many take the decision."""
    by_key = {
        (r.get("region"), r.get("group"), r.get("from_year")): r
        for r in current
        if isinstance(r, dict)
    }
    rows: list[dict[str, Any]] = []
    decided = 0
    for cell in cells:
        kept = by_key.get(cell.key)
        if kept is not None and kept.get("value") == cell.value and not confirm_all:
            rows.append(kept)
            continue
        decided += 1
        row: dict[str, Any] = {"value": _plain_number(cell.value)}
        if cell.region is not None:
            row["region"] = cell.region
        if cell.group is not None:
            row["group"] = cell.group
        if cell.from_year is not None:
            row["from_year"] = cell.from_year
        row["confidence"] = "verified"
        row["sources"] = [decision.reference()] if decision else []
        rows.append(row)
    return rows, decided


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _loosening_message(
    indicator: IndicatorDef, base: IndicatorDef, rows: Sequence[dict[str, Any]]
) -> str | None:
    """Why the entered rows would loosen the national threshold, or None."""
    replaced = {(r.get("region"), r.get("group"), r.get("from_year")) for r in rows}
    kept = tuple(r for r in base.thresholds if (r.region, r.group, r.from_year) not in replaced)
    entered = tuple(
        ThresholdRow(
            value=float(r["value"]),
            region=r.get("region"),
            group=r.get("group"),
            from_year=r.get("from_year"),
        )
        for r in rows
    )
    found = first_loosened(base, kept + entered)
    if found is None:
        return None
    new, old, _scope = found
    direction = (
        _("không được thấp hơn")
        if base.comparator in (Comparator.GE, Comparator.GT)
        else _("không được cao hơn")
        if base.comparator in (Comparator.LE, Comparator.LT)
        else _("phải bằng")
    )
    return _(
        "%(where)s: %(value)s nới lỏng ngưỡng của bộ gốc %(comparator)s %(base)s%(unit)s "
        "(%(base_where)s). Bộ của tỉnh chỉ được nâng ngưỡng: giá trị %(direction)s %(base)s."
    ) % {
        "where": scope_words(new.region, new.group, new.from_year),
        "value": number_in_text(new.value),
        "comparator": SYMBOLS.get(str(base.comparator), str(base.comparator)),
        "base": number_in_text(old.value),
        "unit": f" {indicator.unit}" if indicator.unit else "",
        "base_where": scope_words(old.region, old.group, old.from_year),
        "direction": direction,
    }


@transaction.atomic
def set_thresholds(
    stored: CriteriaSet,
    *,
    code: str,
    cells: Sequence[ThresholdCell],
    decision: Decision | None,
    actor: Actor,
    confirm_all: bool = False,
) -> CriteriaSet:
    """Fill, change or confirm an indicator's thresholds (the whole table at once).

    For an indicator the draft defines, the cells become its threshold rows; for one
    inherited from the national set they become the province's stricter rows, checked
    against the national ones (tighten only). Empty cells remove rows: for an inherited
    indicator that brings the national thresholds back.
    """
    draft, document, province = _edit(stored, actor)
    definition = draft.to_domain()
    indicator = _find_indicator(definition, code)
    if indicator.kind is IndicatorKind.JUDGEMENT:
        raise AuthoringError(
            _("Chỉ tiêu %(code)s được đánh giá đạt/chưa đạt, không có ngưỡng số.") % {"code": code}
        )
    _check_cells(cells, indicator, definition.differentiation)
    if confirm_all and not cells:
        raise AuthoringError(_("Không có ngưỡng nào để xác nhận."))
    is_own = code in own_codes(document)
    if is_own:
        raw = _own_indicator(document, code)
        current = list(raw.get("thresholds") or [])
    else:
        override = next(
            (o for o in document.get("overrides") or [] if str(o.get("indicator")) == code), None
        )
        current = list((override or {}).get("thresholds") or [])
    rows, decided = _rows_for(cells, current, decision, confirm_all=confirm_all)
    if decided:
        if decision is None:
            raise AuthoringError(
                _("Cần số, ngày và cơ quan ban hành văn bản đặt ngưỡng."), field="decision_number"
            )
        decision.check()
    if not is_own:
        base = _base_definition(draft)
        base_indicator = _find_indicator(base, code) if base else indicator
        message = _loosening_message(indicator, base_indicator, rows)
        if message:
            raise AuthoringError(message, field="cells")
        overrides = [o for o in document.get("overrides") or [] if str(o.get("indicator")) != code]
        if rows:
            overrides.append({"indicator": code, "thresholds": rows})
        document["overrides"] = overrides
    else:
        raw["thresholds"] = rows
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.set_thresholds",
        summary=_("ngưỡng chỉ tiêu %(code)s") % {"code": code},
        old=current,
        new=rows,
        reason=decision.reference() if decided and decision else "",
    )
