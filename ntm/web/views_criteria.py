"""Criteria set pages: list, detail with thresholds and confidence, comparison of two sets."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ntm.core.criteria.model import (
    REGIONS,
    CriteriaSetDef,
    CriterionDef,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
)
from ntm.criteria.authoring import may_author
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.selectors import UnknownSet, get_set, latest_sets
from ntm.units.models import AdminUnit
from ntm.web.authoring_context import list_page_context, set_page_context
from ntm.web.converters import parse_id
from ntm.web.templatetags.ntm_labels import group_label, level_label, region_label

LEVEL_ORDER = ("commune", "district", "province", "village")


# --- What a page shows for one indicator -------------------------------------------------


@dataclass(frozen=True)
class ThresholdLine:
    """One row of a threshold matrix: a region, a commune group, or every unit."""

    label: str
    code: str
    cells: tuple[ThresholdRow | None, ...]
    confidences: tuple[str, ...]


@dataclass(frozen=True)
class ThresholdTable:
    """Thresholds by region or commune group (rows) and by year (columns)."""

    years: tuple[int | None, ...]
    lines: tuple[ThresholdLine, ...]

    @property
    def single(self) -> ThresholdRow | None:
        """The one row, when there is a single value for everyone."""
        if len(self.lines) == 1 and len(self.years) == 1 and not self.lines[0].code:
            return self.lines[0].cells[0]
        return None


@dataclass(frozen=True)
class IndicatorView:
    definition: IndicatorDef
    table: ThresholdTable | None
    needs_confirmation: bool
    national: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CriterionView:
    definition: CriterionDef
    indicators: tuple[IndicatorView, ...]
    is_revocation_key: bool


@dataclass(frozen=True)
class Section:
    code: str
    name_vi: str
    name_en: str
    criteria: tuple[CriterionView, ...]


def needs_confirmation(indicator: IndicatorDef) -> bool:
    """A measured indicator with no threshold seen in a source cannot be evaluated."""
    return indicator.kind is not IndicatorKind.JUDGEMENT and not indicator.thresholds


def threshold_table(rows: Sequence[ThresholdRow]) -> ThresholdTable | None:
    if not rows:
        return None
    years = tuple(sorted({r.from_year for r in rows}, key=lambda y: (y is not None, y or 0)))
    keys = sorted({(r.region, r.group) for r in rows}, key=_line_order)
    lines = []
    for region, group in keys:
        mine = [r for r in rows if (r.region, r.group) == (region, group)]
        by_year = {r.from_year: r for r in mine}
        confidences = tuple(dict.fromkeys(str(r.confidence) for r in mine))
        lines.append(
            ThresholdLine(
                label=_line_label(region, group),
                code=region or (str(group) if group else ""),
                cells=tuple(by_year.get(y) for y in years),
                confidences=confidences,
            )
        )
    return ThresholdTable(years=years, lines=tuple(lines))


def _line_order(key: tuple[str | None, int | None]) -> tuple[int, int]:
    region, group = key
    region_rank = REGIONS.index(region) + 1 if region in REGIONS else 0
    return region_rank, group or 0


def _line_label(region: str | None, group: int | None) -> str:
    parts = [p for p in (region_label(region), group_label(group) if group else "") if p]
    return " · ".join(parts) if parts else _("Mọi đơn vị")


def national_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def indicator_view(indicator: IndicatorDef) -> IndicatorView:
    return IndicatorView(
        definition=indicator,
        table=threshold_table(indicator.thresholds),
        needs_confirmation=needs_confirmation(indicator),
        national=national_text(indicator.national),
        sources=tuple(
            dict.fromkeys(
                [*indicator.sources, *(s for r in indicator.thresholds for s in r.sources)]
            )
        ),
    )


def sections_of(definition: CriteriaSetDef) -> list[Section]:
    """Criteria in the set's groups (I Quy hoạch, II Hạ tầng...), or one untitled section."""
    key_criteria = set(definition.revocation_key_criteria)
    views = [
        CriterionView(
            definition=c,
            indicators=tuple(indicator_view(i) for i in c.indicators),
            is_revocation_key=c.number in key_criteria,
        )
        for c in definition.criteria
    ]
    if not definition.groups:
        return [Section("", "", "", tuple(views))]
    sections = [
        Section(code, name_vi, name_en, tuple(v for v in views if v.definition.group == code))
        for code, name_vi, name_en in definition.groups
    ]
    known = {code for code, _name_vi, _name_en in definition.groups}
    ungrouped = tuple(v for v in views if v.definition.group not in known)
    if ungrouped:
        sections.append(Section("", _("Tiêu chí khác"), "", ungrouped))
    return [s for s in sections if s.criteria]


# --- List ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetSummary:
    stored: CriteriaSet
    definition: CriteriaSetDef
    indicator_count: int
    needs_confirmation_count: int


@dataclass(frozen=True)
class LevelGroup:
    level: str
    label: str
    sets: tuple[SetSummary, ...]


def summarize(stored: CriteriaSet) -> SetSummary:
    definition = stored.to_domain()
    indicators = definition.indicators
    return SetSummary(
        stored=stored,
        definition=definition,
        indicator_count=len(indicators),
        needs_confirmation_count=sum(needs_confirmation(i) for i in indicators),
    )


def by_level(summaries: Iterable[SetSummary]) -> list[LevelGroup]:
    summaries = list(summaries)
    levels = [lv for lv in LEVEL_ORDER if any(s.stored.level == lv for s in summaries)]
    levels += sorted({s.stored.level for s in summaries} - set(levels))
    return [
        LevelGroup(
            level=lv,
            label=capfirst(_("Cấp %(level)s") % {"level": level_label(lv).lower()}),
            sets=tuple(s for s in summaries if s.stored.level == lv),
        )
        for lv in levels
    ]


def criteria_list(request: HttpRequest) -> HttpResponse:
    """Every published set, by level, with counts and what still needs confirmation."""
    summaries = sorted((summarize(s) for s in latest_sets()), key=_list_order)
    return render(
        request,
        "web/criteria_list.html",
        {
            "groups": by_level(summaries),
            "sets": [s.stored for s in summaries],
            "set_count": len(summaries),
            "compare": _compare_defaults(summaries),
            "authoring": list_page_context(request),
        },
    )


TIER_ORDER = ("standard", "advanced", "model", "modern", "completion")


def _list_order(summary: SetSummary) -> tuple[Any, ...]:
    """By period, then tier (standard first), national sets before provincial variants."""
    stored = summary.stored
    tier_rank = TIER_ORDER.index(stored.tier) if stored.tier in TIER_ORDER else len(TIER_ORDER)
    return (stored.period_start or 0, tier_rank, bool(stored.province_code), stored.set_id)


def _compare_defaults(summaries: Sequence[SetSummary]) -> dict[str, str]:
    """Pre-select two consecutive national commune sets: the comparison most people want."""
    commune = [
        s.stored.set_id
        for s in summaries
        if s.stored.level == "commune" and s.stored.tier == "standard" and not s.stored.extends_id
    ]
    if len(commune) >= 2:
        return {"a": commune[0], "b": commune[1]}
    ids = [s.stored.set_id for s in summaries]
    return {"a": ids[0] if ids else "", "b": ids[1] if len(ids) > 1 else ""}


# --- Detail -------------------------------------------------------------------------------


def criteria_detail(request: HttpRequest, set_id: str) -> HttpResponse:
    """One set version: header, criteria and indicators with thresholds, conditions, sources."""
    version = _version_param(request.GET.get("version"))
    try:
        stored = get_set(set_id, version)
    except UnknownSet:
        return _missing(request, [set_id])
    if stored.is_draft and not may_author(request.user, stored):
        return _missing(request, [set_id])  # a draft is shown only to those who author it
    definition = stored.to_domain()
    criteria_names = {c.number: c for c in definition.criteria}
    return render(
        request,
        "web/criteria_detail.html",
        {
            "stored": stored,
            "definition": definition,
            "sections": sections_of(definition),
            "conditions": [indicator_view(i) for i in definition.conditions],
            "key_criteria": [
                criteria_names.get(n) or n for n in definition.revocation_key_criteria
            ],
            "indicator_count": len(definition.indicators),
            "needs_confirmation_count": sum(needs_confirmation(i) for i in definition.indicators),
            "province": _province_name(definition.province_code),
            "variants": stored.variants.filter(status=SetStatusChoices.PUBLISHED).order_by(
                "set_id", "version"
            ),
            "authoring": set_page_context(request, stored),
        },
    )


def _version_param(raw: str | None) -> int | None:
    return parse_id(raw)


def _province_name(code: str | None) -> str:
    if not code:
        return ""
    unit = AdminUnit.objects.filter(level="province", code=code).order_by("-valid_from").first()
    return unit.name if unit else code


def _missing(request: HttpRequest, set_ids: Sequence[str]) -> HttpResponse:
    """A 404 that says which id is unknown and lists the sets that exist."""
    return render(
        request,
        "web/criteria_missing.html",
        {"missing": [s for s in set_ids if s], "sets": latest_sets()},
        status=404,
    )


# --- Compare ------------------------------------------------------------------------------

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"


@dataclass(frozen=True)
class ThresholdChange:
    label: str
    from_year: int | None
    before: ThresholdRow | None
    after: ThresholdRow | None

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        return SAME if self.before.value == self.after.value else CHANGED


@dataclass(frozen=True)
class IndicatorChange:
    code: str
    before: IndicatorDef | None
    after: IndicatorDef | None
    thresholds: tuple[ThresholdChange, ...] = ()
    changed_fields: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.changed_fields or any(t.status != SAME for t in self.thresholds):
            return CHANGED
        return SAME

    @property
    def threshold_changes(self) -> tuple[ThresholdChange, ...]:
        return tuple(t for t in self.thresholds if t.status != SAME)


@dataclass(frozen=True)
class CriterionChange:
    number: str
    before: CriterionDef | None
    after: CriterionDef | None
    indicators: tuple[IndicatorChange, ...] = ()
    is_renamed: bool = False

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.is_renamed or any(i.status != SAME for i in self.indicators):
            return CHANGED
        return SAME


@dataclass
class CompareCounts:
    criteria: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STATUSES, 0))
    indicators: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STATUSES, 0))
    thresholds: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((ADDED, REMOVED, CHANGED), 0)
    )


_STATUSES = (SAME, CHANGED, ADDED, REMOVED)


def natural_key(code: str) -> tuple[Any, ...]:
    """'2.10' sorts after '2.9'; '10' after '9'."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p
    )


def compare_thresholds(
    before: Sequence[ThresholdRow], after: Sequence[ThresholdRow]
) -> tuple[ThresholdChange, ...]:
    """Rows matched on region, commune group and first year."""
    old = {(r.region, r.group, r.from_year): r for r in before}
    new = {(r.region, r.group, r.from_year): r for r in after}
    keys = sorted(
        old.keys() | new.keys(),
        key=lambda k: (*_line_order((k[0], k[1])), k[2] is not None, k[2] or 0),
    )
    return tuple(
        ThresholdChange(
            label=_line_label(region, group),
            from_year=year,
            before=old.get((region, group, year)),
            after=new.get((region, group, year)),
        )
        for region, group, year in keys
    )


def compare_indicator(before: IndicatorDef | None, after: IndicatorDef | None) -> IndicatorChange:
    code = (after or before).code  # type: ignore[union-attr]
    if before is None or after is None:
        return IndicatorChange(code=code, before=before, after=after)
    changed = tuple(
        name
        for name, old, new in (
            ("name", _plain(before.name_vi), _plain(after.name_vi)),
            ("kind", before.kind, after.kind),
            ("unit", before.unit, after.unit),
            ("comparator", before.comparator, after.comparator),
        )
        if old != new
    )
    return IndicatorChange(
        code=code,
        before=before,
        after=after,
        thresholds=compare_thresholds(before.thresholds, after.thresholds),
        changed_fields=changed,
    )


def compare_indicators(
    before: Sequence[IndicatorDef], after: Sequence[IndicatorDef]
) -> tuple[IndicatorChange, ...]:
    old = {i.code: i for i in before}
    new = {i.code: i for i in after}
    codes = sorted(old.keys() | new.keys(), key=natural_key)
    return tuple(compare_indicator(old.get(c), new.get(c)) for c in codes)


def compare_sets(
    before: CriteriaSetDef, after: CriteriaSetDef
) -> tuple[list[CriterionChange], tuple[IndicatorChange, ...], CompareCounts]:
    """Criteria matched on their number, then indicators on their code; tier conditions apart."""
    old = {c.number: c for c in before.criteria}
    new = {c.number: c for c in after.criteria}
    criteria = []
    for number in sorted(old.keys() | new.keys(), key=natural_key):
        a, b = old.get(number), new.get(number)
        criteria.append(
            CriterionChange(
                number=number,
                before=a,
                after=b,
                indicators=compare_indicators(a.indicators, b.indicators) if a and b else (),
                is_renamed=bool(a and b and _plain(a.name_vi) != _plain(b.name_vi)),
            )
        )
    conditions = compare_indicators(before.conditions, after.conditions)
    counts = CompareCounts()
    for criterion in criteria:
        counts.criteria[criterion.status] += 1
        if criterion.status == ADDED:
            counts.indicators[ADDED] += len(criterion.after.indicators)  # type: ignore[union-attr]
        elif criterion.status == REMOVED:
            counts.indicators[REMOVED] += len(criterion.before.indicators)  # type: ignore[union-attr]
    for indicator in (*[i for c in criteria for i in c.indicators], *conditions):
        counts.indicators[indicator.status] += 1
        for threshold in indicator.threshold_changes:
            counts.thresholds[threshold.status] += 1
    return criteria, conditions, counts


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def criteria_compare(request: HttpRequest) -> HttpResponse:
    """Two sets side by side: what was added, removed or changed, criterion by criterion."""
    a_id, b_id = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    sets = latest_sets()
    context: dict[str, Any] = {"sets": sets, "a_id": a_id, "b_id": b_id}
    if not a_id or not b_id:
        return render(request, "web/criteria_compare.html", context)
    found: dict[str, CriteriaSet] = {}
    for set_id in (a_id, b_id):
        with contextlib.suppress(UnknownSet):
            found[set_id] = get_set(set_id)
    unknown = [s for s in (a_id, b_id) if s not in found]
    if unknown:
        return _missing(request, unknown)
    a, b = found[a_id].to_domain(), found[b_id].to_domain()
    criteria, conditions, counts = compare_sets(a, b)
    show_same = request.GET.get("all") == "1"
    context.update(
        a=a,
        b=b,
        a_stored=found[a_id],
        b_stored=found[b_id],
        criteria=criteria if show_same else [c for c in criteria if c.status != SAME],
        conditions=conditions,
        counts=counts,
        show_same=show_same,
        differentiation_differs=a.differentiation != b.differentiation,
    )
    return render(request, "web/criteria_compare.html", context)
