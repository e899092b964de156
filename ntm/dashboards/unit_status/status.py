"""A unit's status under each applicable set, and its criteria table and tier conditions
in words, with provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ntm.core.criteria.model import IndicatorKind
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import takes_effect
from ntm.dashboards.evaluation import evaluate_with_ladder
from ntm.dashboards.selectors import (
    current_certifications,
    current_values,
    units_with_data,
)
from ntm.presentation.labels import localized_name
from ntm.presentation.page_words import badge_class, is_demo, page_wording, tier_label
from ntm.units.models import AdminUnit
from ntm.values.models import CriterionCertification


@dataclass(frozen=True)
class SetStatus:
    """A unit's result under one set on a date, for a summary card."""

    stored: CriteriaSet
    met: int
    total: int
    eligible_tiers: list[str]
    in_force: bool
    effective: date | None
    is_applicable: bool
    report: dict[str, Any]
    #: whether the unit has any certification or entered value under the set on the date
    has_data: bool = True
    #: criteria without data
    missing: int = 0

    @property
    def eligible_labels(self) -> list[str]:
        return [tier_label(t) for t in self.eligible_tiers]

    @property
    def name(self) -> str:
        return localized_name(self.stored)


def set_status(unit: AdminUnit, stored: CriteriaSet, as_of: date, *, applicable: bool = True):
    main, eligibility, _ladder = evaluate_with_ladder(stored, [unit], as_of)
    report = main.unit_report(unit.id)
    effective = takes_effect(stored)
    return SetStatus(
        stored=stored,
        met=report["met"],
        total=report["total"],
        eligible_tiers=[tier.value for tier, ok in eligibility.items() if bool(ok[0])],
        in_force=effective is None or effective <= as_of,
        effective=effective,
        is_applicable=applicable,
        report=report,
        has_data=bool(units_with_data(main)[0]),
        missing=sum(1 for c in report["criteria"] if c["status"] == "missing"),
    )


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    kind: str
    status: str
    status_label: str
    value: str
    threshold: str
    gap: str
    is_computed: bool
    observed_on: date | None = None
    source: str = ""
    note: str = ""

    @property
    def is_demo(self) -> bool:
        return is_demo(self.source)

    @property
    def badge(self) -> str:
        return badge_class(self.status)


@dataclass(frozen=True)
class CriterionRow:
    number: str
    name: str
    status: str
    status_label: str
    certified: bool
    certification: CriterionCertification | None
    indicators: list[IndicatorRow]
    #: indicators left out because the criterion is certified and they hold no value
    by_document: int = 0

    @property
    def badge(self) -> str:
        return badge_class(self.status)

    @property
    def is_demo(self) -> bool:
        return self.certification is not None and is_demo(self.certification.source)

    @property
    def source_label(self) -> str:
        """The certification's source in short: "Báo cáo 000" (the demo mark is a badge)."""
        return short_source(self.certification.source if self.certification else "")


def short_source(source: str) -> str:
    """ "demo: Báo cáo 000 — Huyện ủy Kỳ Anh làm việc…" -> "Báo cáo 000"."""
    text = source.split(" — ")[0].strip()
    if text.lower().startswith("demo:"):
        text = text[len("demo:") :].strip()
    return text


def criteria_table(unit: AdminUnit, status: SetStatus, as_of: date) -> list[CriterionRow]:
    """Per criterion, its status, certification and indicators in words, with provenance."""
    words = page_wording()
    report = status.report
    definition = status.stored.to_domain()
    # Keys of a criterion and of its only indicator can be the same: two dictionaries.
    criterion_names = {c.key: localized_name(c) for c in definition.criteria}
    indicator_names = {i.key: localized_name(i) for i in definition.indicators}
    keys = [i["key"] for c in report["criteria"] for i in c["indicators"]]
    values = current_values(unit, keys, as_of)
    certifications = current_certifications(unit, [c["key"] for c in report["criteria"]], as_of)
    rows = []
    for criterion in report["criteria"]:
        indicators = []
        by_document = 0
        for indicator in criterion["indicators"]:
            stored = values.get(indicator["key"])
            if criterion["certified"] and indicator["status"] in ("missing", "not_evaluable"):
                # Certified as a whole: the document decides, not this indicator's value.
                by_document += 1
                continue
            indicators.append(
                IndicatorRow(
                    code=indicator["code"],
                    name=indicator_names.get(indicator["key"], indicator["name"]),
                    kind=indicator["kind"],
                    status=indicator["status"],
                    status_label=words.status(indicator["status"]),
                    value=words.value(indicator),
                    threshold=words.threshold(indicator),
                    gap=words.gap(indicator),
                    is_computed=indicator["kind"] == IndicatorKind.AGGREGATE.value,
                    observed_on=stored.observed_on if stored else None,
                    source=stored.source if stored else "",
                    note=stored.note if stored else "",
                )
            )
        rows.append(
            CriterionRow(
                number=criterion["number"],
                name=criterion_names.get(criterion["key"], criterion["name"]),
                status=criterion["status"],
                status_label=words.status(criterion["status"]),
                certified=criterion["certified"],
                # A certification older than the newest value no longer decides: not shown.
                certification=certifications.get(criterion["key"])
                if criterion["certified"]
                else None,
                indicators=indicators,
                by_document=by_document,
            )
        )
    return rows


def condition_rows(status: SetStatus) -> list[IndicatorRow]:
    """The tier conditions of a set (e.g. all communes at standard), in words."""
    words = page_wording()
    names = {c.key: localized_name(c) for c in status.stored.to_domain().conditions}
    return [
        IndicatorRow(
            code=c["code"],
            name=names.get(c["key"], c["name"]),
            kind=c["kind"],
            status=c["status"],
            status_label=words.status(c["status"]),
            value=words.value(c),
            threshold=words.threshold(c),
            gap=words.gap(c),
            is_computed=c["kind"] == IndicatorKind.AGGREGATE.value,
        )
        for c in status.report["conditions"]
    ]
