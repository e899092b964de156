"""Criteria set pages: list, detail with thresholds and confidence, comparison of two sets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ntm.core.criteria.model import (
    CriteriaSetDef,
    CriterionDef,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
)
from ntm.criteria.authoring import may_author
from ntm.criteria.authoring_context import list_page_context, set_page_context
from ntm.criteria.compare import SAME, compare_sets, line_order
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.selectors import UnknownSet, get_set, latest_sets
from ntm.presentation.converters import parse_id
from ntm.presentation.labels import level_label, region_group_label
from ntm.units.models import AdminUnit

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
    keys = sorted({(r.region, r.group) for r in rows}, key=line_order)
    lines = []
    for region, group in keys:
        mine = [r for r in rows if (r.region, r.group) == (region, group)]
        by_year = {r.from_year: r for r in mine}
        confidences = tuple(dict.fromkeys(str(r.confidence) for r in mine))
        lines.append(
            ThresholdLine(
                label=region_group_label(region, group),
                code=region or (str(group) if group else ""),
                cells=tuple(by_year.get(y) for y in years),
                confidences=confidences,
            )
        )
    return ThresholdTable(years=years, lines=tuple(lines))


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
        "criteria/list.html",
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
        "criteria/detail.html",
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
        "criteria/missing.html",
        {"missing": [s for s in set_ids if s], "sets": latest_sets()},
        status=404,
    )


def criteria_compare(request: HttpRequest) -> HttpResponse:
    """Two sets side by side: what was added, removed or changed, criterion by criterion."""
    a_id, b_id = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    sets = latest_sets()
    context: dict[str, Any] = {"sets": sets, "a_id": a_id, "b_id": b_id}
    if not a_id or not b_id:
        return render(request, "criteria/compare.html", context)
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
    return render(request, "criteria/compare.html", context)
