"""What the unit pages show: status under each applicable set, the criteria table, the
timeline, recognitions and targets, reported figures beside computed ones, children rows.

Everything is read in a few queries per page; many units (the children overview) are
evaluated in one pass with ``evaluate_with_ladder``, never one evaluation per child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ntm.accounts.scope import Scope
from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import IndicatorKind, Tier
from ntm.core.hierarchy import LEVEL_DEPTH, REFORM_2025, Era, Level, search_key
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets, latest_sets, takes_effect
from ntm.dashboards.evaluation import (
    TIER_RANK,
    URBAN_KINDS,
    evaluate_units,
    evaluate_with_ladder,
    recognized_tier_rank,
)
from ntm.presentation.labels import localized_name
from ntm.presentation.page_words import (  # re-exported for the pages
    badge_class,
    is_demo,
    localized_number,
    page_wording,
    short_date,
    tier_label,
)
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Recognition
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit, Succession
from ntm.units.selectors import Link, in_force_on, is_in_force, unit_detail
from ntm.units.wording import Crumb, ancestors, crumbs  # re-exported for the pages
from ntm.values.models import CriterionCertification, IndicatorValue
from ntm.web import below

#: The most dates the timeline evaluates (the latest ones are kept).
TIMELINE_LIMIT = 20

#: Plural nouns for units of a level, as in "23/23 xã đạt chuẩn".
LEVEL_NOUNS = {
    "province": pgettext_lazy("số nhiều", "tỉnh"),
    "district": pgettext_lazy("số nhiều", "huyện"),
    "commune": pgettext_lazy("số nhiều", "xã"),
    "village": pgettext_lazy("số nhiều", "thôn"),
}

#: Short tier words, as in "8 xã nâng cao".
TIER_WORDS = {
    "standard": _("đạt chuẩn"),
    "advanced": _("nâng cao"),
    "model": _("kiểu mẫu"),
    "modern": _("hiện đại"),
    "completion": _("hoàn thành nhiệm vụ"),
}

#: Reported counts of child units ntm also holds: (child level, lowest tier or None).
#: Units come from the catalogue in force on the report's date, tiers from recognitions.
CHILD_COUNT_METRICS: dict[str, tuple[str, Tier | None]] = {
    "communes_total": ("commune", None),
    "communes_standard": ("commune", Tier.STANDARD),
    "communes_advanced": ("commune", Tier.ADVANCED),
    "communes_model": ("commune", Tier.MODEL),
    "districts_total": ("district", None),
    "villages_total": ("village", None),
}
#: Decimals kept in a reported figure (the report's own precision, 7.942 billion VND).
REPORTED_DECIMALS = 4

#: Reported counts of model-village registrations: the status counted (None for all).
REGISTRATION_METRICS: dict[str, str | None] = {
    "model_village_registrations": None,
    "model_villages_recognized": "recognized",
    "model_villages_appraised": "appraised",
    "model_villages_in_progress": "in_progress",
}
#: Reported numbers of criteria met, which ntm evaluates from the values it holds.
CRITERIA_MET_METRICS = ("criteria_met", "district_criteria_met")


# --- The unit itself ------------------------------------------------------------------


def parent_chain(unit: AdminUnit) -> str:
    """ "Huyện Kỳ Anh, Tỉnh Hà Tĩnh": the parents, nearest first."""
    return ", ".join(a.name for a in reversed(ancestors(unit)))


def era_label(unit: AdminUnit) -> str:
    if unit.era is Era.FROM_2025:
        return gettext("từ %(date)s") % {"date": short_date(REFORM_2025)}
    return gettext("trước %(date)s") % {"date": short_date(REFORM_2025)}


def last_day(unit: AdminUnit) -> date | None:
    return unit.valid_to - dt.timedelta(days=1) if unit.valid_to else None


def validity_text(unit: AdminUnit) -> str:
    """ "từ 01/12/2019 đến 30/06/2025", "từ 01/07/2025 đến nay", "đến 30/06/2025"."""
    start, end = short_date(unit.valid_from), short_date(last_day(unit))
    if start and end:
        return gettext("từ %(start)s đến %(end)s") % {"start": start, "end": end}
    if start:
        return gettext("từ %(start)s đến nay") % {"start": start}
    if end:
        return gettext("đến %(end)s") % {"end": end}
    return gettext("đang có hiệu lực")


# --- Status under each applicable set -------------------------------------------------


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


def units_with_data(evaluation: Any) -> np.ndarray:
    """Per unit evaluated: whether any criterion is certified or any entered indicator (not
    one computed from the children) holds a value. Without either, "0/19" means "no data"."""
    entered = [
        k for k, i in enumerate(evaluation.indicators) if i.kind is not IndicatorKind.AGGREGATE
    ]
    has_value = (
        ~np.isnan(evaluation.indicator_value[:, entered]).all(axis=1)
        if entered
        else np.zeros(len(evaluation.met), dtype=bool)
    )
    return evaluation.certified.any(axis=1) | has_value


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


def requested_set(set_id: str, level: str) -> CriteriaSet | None:
    """A published set asked for by id, if it is for this level."""
    if not set_id:
        return None
    return next((s for s in latest_sets() if s.set_id == set_id and s.level == level), None)


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


def latest_rows(rows: Iterable[Any], key: str, day: str) -> dict[str, Any]:
    """The last row per key by date (rows of one unit)."""
    latest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (getattr(r, day), r.pk)):
        latest[getattr(row, key)] = row
    return latest


def criteria_table(unit: AdminUnit, status: SetStatus, as_of: date) -> list[CriterionRow]:
    """Per criterion, its status, certification and indicators in words, with provenance."""
    words = page_wording()
    report = status.report
    definition = status.stored.to_domain()
    # Keys of a criterion and of its only indicator can be the same: two dictionaries.
    criterion_names = {c.key: localized_name(c) for c in definition.criteria}
    indicator_names = {i.key: localized_name(i) for i in definition.indicators}
    keys = [i["key"] for c in report["criteria"] for i in c["indicators"]]
    values = latest_rows(
        IndicatorValue.objects.filter(
            unit=unit, indicator_key__in=keys, observed_on__lte=as_of, is_current=True
        ),
        "indicator_key",
        "observed_on",
    )
    certifications = latest_rows(
        CriterionCertification.objects.filter(
            unit=unit,
            criterion_key__in=[c["key"] for c in report["criteria"]],
            certified_on__lte=as_of,
            is_current=True,
        ).select_related("department"),
        "criterion_key",
        "certified_on",
    )
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


# --- Recognitions, targets, registrations, sponsors -----------------------------------


@dataclass(frozen=True)
class RecognitionRow:
    recognition: Recognition
    in_force: bool
    is_future: bool

    @property
    def revocation(self):
        return getattr(self.recognition, "revocation", None)

    @property
    def is_demo(self) -> bool:
        return is_demo(self.recognition.source)


def recognition_rows(recognitions: Iterable[Recognition], as_of: date) -> list[RecognitionRow]:
    rows = []
    for recognition in recognitions:
        revocation = getattr(recognition, "revocation", None)
        revoked = revocation is not None and revocation.decision_date <= as_of
        future = recognition.decision_date > as_of
        rows.append(RecognitionRow(recognition, not revoked and not future, future))
    return rows


def _count_text(target: Target) -> str:
    if target.child_count_max and target.child_count_max != target.child_count:
        return f"{target.child_count}–{target.child_count_max}"
    return str(target.child_count)


def target_text(target: Target) -> str:
    """ "8 xã nâng cao đến năm 2023", "1–2 xã kiểu mẫu đến năm 2025", "Đạt chuẩn … năm 2021"."""
    if target.child_count is not None:
        return gettext("%(count)s %(children)s %(tier)s đến năm %(year)s") % {
            "count": _count_text(target),
            "children": LEVEL_NOUNS.get(target.child_level, target.child_level),
            "tier": TIER_WORDS.get(target.tier, target.tier),
            "year": target.year,
        }
    return gettext("%(tier)s năm %(year)s") % {
        "tier": tier_label(target.tier),
        "year": target.year,
    }


@dataclass(frozen=True)
class TargetRow:
    target: Target
    text: str
    fields: list[str]
    #: for a target on children: how many are at the tier on the page's date
    reached: int | None = None
    #: for a target on children: the children's own targets of that tier and year
    children: list[Target] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return is_demo(self.target.source)


def target_rows(unit: AdminUnit, targets: Iterable[Target], as_of: date) -> list[TargetRow]:
    targets = list(targets)
    own = below.children_targets(unit, targets)
    rows = []
    for target in targets:
        reached = None
        if target.child_count is not None and target.child_level:
            reached = children_at_tier(unit, target.child_level, Tier(target.tier), as_of)
        fields = [f.strip() for f in target.fields_of_excellence.split(",") if f.strip()]
        rows.append(TargetRow(target, target_text(target), fields, reached, own.get(target.id, [])))
    return rows


# --- Reported figures beside computed ones --------------------------------------------


@dataclass(frozen=True)
class Computed:
    """ntm's own figure for a reported metric: its value, as shown, and where it comes from."""

    value: float
    shown: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class ListingChange:
    """A reorganization that changed a unit's list of children after a report."""

    on: date
    kind: str
    before: list[AdminUnit]
    after: AdminUnit


@dataclass(frozen=True)
class Listing:
    """The unit's children in the catalogue of its last day (or of today), when their number
    differs from the one on a report's date, with the reorganizations that explain it."""

    on: date
    rural: int
    urban: int
    changes: list[ListingChange]

    @property
    def total(self) -> int:
        return self.rural + self.urban


@dataclass(frozen=True)
class FigureRow:
    figure: ReportedFigure
    reported: str
    computed: Computed | None
    difference: str | None
    differs: bool
    listing: Listing | None = None

    @property
    def is_demo(self) -> bool:
        return is_demo(self.figure.source)


def children_at_tier(unit: AdminUnit, level: str, tier: Tier | None, on: date) -> int:
    """How many (rural) children at a level the unit has on a date, at a tier or above."""
    child_ids = np.asarray(
        AdminUnit.objects.filter(parent=unit, level=level)
        .filter(in_force_on(on))
        .exclude(kind__in=URBAN_KINDS)
        .order_by("id")
        .values_list("id", flat=True),
        dtype=np.int64,
    )
    if tier is None:
        return len(child_ids)
    return int((recognized_tier_rank(child_ids, on) >= TIER_RANK[tier]).sum())


def computed_metric(unit: AdminUnit, metric: str, on: date) -> Computed | None:
    """What the catalogue, the recognitions or the evaluation say for a reported metric."""
    if metric in CHILD_COUNT_METRICS:
        level, tier = CHILD_COUNT_METRICS[metric]
        count = children_at_tier(unit, level, tier, on)
        label = (
            gettext("Danh mục tại ngày %(date)s") % {"date": short_date(on)}
            if tier is None
            else gettext("Theo quyết định công nhận đã nhập")
        )
        return Computed(float(count), localized_number(count), label)
    if metric in REGISTRATION_METRICS:
        registrations = Registration.objects.filter(
            Q(unit__parent=unit) | Q(unit__parent__parent=unit),
            unit__level="village",
            tier=Tier.MODEL.value,
            year__lte=on.year,
        )
        status = REGISTRATION_METRICS[metric]
        if status is not None:
            registrations = registrations.filter(status=status)
        count = registrations.count()
        return Computed(float(count), localized_number(count), gettext("Theo đăng ký đã nhập"))
    if metric in CRITERIA_MET_METRICS:
        sets = applicable_sets(unit, on)
        if not sets:
            return None
        evaluation = evaluate_units(sets[0], [unit], on)
        met = int(evaluation.met[0])
        return Computed(
            float(met),
            f"{met}/{evaluation.total}",
            gettext("Hệ thống đánh giá"),
            localized_name(sets[0]),
        )
    return None


def figure_rows(unit: AdminUnit, figures: Iterable[ReportedFigure]) -> list[FigureRow]:
    rows = []
    for figure in figures:
        parts = []
        if figure.value is not None:
            # As the report wrote it: 7,942 tỷ đồng, not 7,94.
            parts.append(localized_number(figure.value, REPORTED_DECIMALS))
            if figure.unit_of_measure:
                parts.append(figure.unit_of_measure)
        if figure.value_text:
            # The report's own words win when they carry the number ("23/23", "trên 300 thôn").
            if not parts or parts[0] in figure.value_text:
                parts = [figure.value_text]
            else:
                parts.append(f"({figure.value_text})")
        computed = computed_metric(unit, figure.metric, figure.reported_on)
        listing = None
        if computed is not None and figure.metric == "communes_total":
            listing = later_listing(
                unit, CHILD_COUNT_METRICS[figure.metric][0], figure.reported_on, computed.value
            )
        difference = None
        if computed is not None and figure.value is not None:
            difference = figure.value - computed.value
        rows.append(
            FigureRow(
                figure=figure,
                reported=" ".join(parts),
                computed=computed,
                difference=localized_number(abs(difference)) if difference is not None else None,
                differs=bool(difference),
                listing=listing,
            )
        )
    return rows


def later_listing(unit: AdminUnit, level: str, reported_on: date, count: float) -> Listing | None:
    """The children listed on the unit's last day (today if in force) when their number of
    rural units differs from `count` on the report's date: 23 xã in 2021, 20 xã listed."""
    on = last_day(unit) or timezone.localdate()
    if on <= reported_on:
        return None
    kinds = list(
        AdminUnit.objects.filter(parent=unit, level=level)
        .filter(in_force_on(on))
        .values_list("kind", flat=True)
    )
    rural = sum(1 for kind in kinds if kind not in URBAN_KINDS)
    if rural == count:
        return None
    links = (
        Succession.objects.filter(
            successor__parent=unit,
            successor__level=level,
            event__effective_date__gt=reported_on,
            event__effective_date__lte=on,
        )
        .select_related("event", "predecessor", "successor")
        .order_by("event__effective_date", "successor__name", "predecessor__name")
    )
    changes: dict[tuple[int, int], ListingChange] = {}
    for link in links:
        change = changes.setdefault(
            (link.event_id, link.successor_id),
            ListingChange(
                link.event.effective_date, link.event.get_kind_display(), [], link.successor
            ),
        )
        change.before.append(link.predecessor)
    return Listing(on, rural, len(kinds) - rural, list(changes.values()))


# --- Timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    met: int
    total: int
    change: int | None
    gained: list[str]
    lost: list[str]
    values: int = 0
    certifications: int = 0
    events: list[str] = field(default_factory=list)
    #: False on a day (a recognition, say) before the unit had any data under the set
    has_data: bool = True


def timeline(
    unit: AdminUnit,
    stored: CriteriaSet,
    as_of: date,
    recognitions: Sequence[Recognition],
) -> list[TimelineEntry]:
    """The dates up to ``as_of`` on which something changed for the unit, with met/total."""
    definition = stored.to_domain()
    keys = [i.key for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE]
    value_days: dict[date, int] = {}
    for day in IndicatorValue.objects.filter(
        unit=unit, indicator_key__in=keys, observed_on__lte=as_of, is_current=True
    ).values_list("observed_on", flat=True):
        value_days[day] = value_days.get(day, 0) + 1
    cert_days: dict[date, int] = {}
    for day in CriterionCertification.objects.filter(
        unit=unit,
        criterion_key__in=[c.key for c in definition.criteria],
        certified_on__lte=as_of,
        is_current=True,
    ).values_list("certified_on", flat=True):
        cert_days[day] = cert_days.get(day, 0) + 1
    events: dict[date, list[str]] = {}
    for recognition in recognitions:
        if recognition.decision_date <= as_of:
            events.setdefault(recognition.decision_date, []).append(
                gettext("Công nhận %(tier)s (%(decision)s)")
                % {"tier": tier_label(recognition.tier), "decision": recognition.decision_number}
            )
        revocation = getattr(recognition, "revocation", None)
        if revocation is not None and revocation.decision_date <= as_of:
            events.setdefault(revocation.decision_date, []).append(
                gettext("Thu hồi công nhận %(tier)s (%(decision)s)")
                % {"tier": tier_label(recognition.tier), "decision": revocation.decision_number}
            )
    days = sorted(set(value_days) | set(cert_days) | set(events))[-TIMELINE_LIMIT:]
    numbers = [c.number for c in definition.criteria]
    entries: list[TimelineEntry] = []
    previous: np.ndarray | None = None
    for day in days:
        evaluation = evaluate_units(stored, [unit], day)
        has_data = bool(units_with_data(evaluation)[0])
        statuses = evaluation.criterion_status[0]
        met_now = statuses == Status.MET
        gained: list[str] = []
        lost: list[str] = []
        change = None
        if previous is not None and has_data:
            was_met = previous == Status.MET
            gained = [numbers[c] for c in np.flatnonzero(met_now & ~was_met)]
            lost = [numbers[c] for c in np.flatnonzero(~met_now & was_met)]
            change = int(met_now.sum()) - int(was_met.sum())
        entries.append(
            TimelineEntry(
                on=day,
                met=int(evaluation.met[0]),
                total=evaluation.total,
                change=change,
                gained=gained,
                lost=lost,
                values=value_days.get(day, 0),
                certifications=cert_days.get(day, 0),
                events=events.get(day, []),
                has_data=has_data,
            )
        )
        previous = statuses if has_data else None
    return entries[::-1]


# --- The whole unit page ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: Link
    is_link: bool


@dataclass
class UnitPage:
    unit: AdminUnit
    as_of: date
    crumbs: list[Crumb]
    in_force: bool
    statuses: list[SetStatus]
    selected: SetStatus | None
    criteria: list[CriterionRow]
    conditions: list[IndicatorRow]
    recognitions: list[RecognitionRow]
    tier_in_force: str | None
    earlier_recognitions: list[Recognition]
    targets: list[TargetRow]
    registrations: list[Registration]
    sponsorships: list[Sponsorship]
    figures: list[FigureRow]
    timeline: list[TimelineEntry]
    predecessors: list[LinkRow]
    successors: list[LinkRow]
    children_count: int
    has_demo: bool
    #: the last day the unit has any value or certification, under any set
    last_data_on: date | None = None
    #: registrations of the units under this one (the villages of a district)
    registrations_below: below.RegistrationsBelow = field(default_factory=below.RegistrationsBelow)
    #: the days the unit's reports speak of
    report_days: list[below.ReportDay] = field(default_factory=list)

    @property
    def tier_in_force_label(self) -> str:
        return tier_label(self.tier_in_force) if self.tier_in_force else ""

    @property
    def is_blank(self) -> bool:
        """No value and no certification under the selected set up to the date."""
        return self.selected is not None and not self.selected.has_data


def unit_page(unit: AdminUnit, *, scope: Scope, as_of: date, set_id: str = "") -> UnitPage:
    """Everything the unit page shows as of a date, with ``set_id`` selected if given."""
    detail = unit_detail(unit, on=as_of)
    statuses = [set_status(unit, s, as_of) for s in applicable_sets(unit, as_of)]
    selected = next((s for s in statuses if s.stored.set_id == set_id), None)
    if selected is None and set_id:
        extra = requested_set(set_id, unit.level)
        if extra is not None:
            selected = set_status(unit, extra, as_of, applicable=False)
            statuses.append(selected)
    if selected is None and statuses:
        selected = statuses[0]

    recognitions = list(
        Recognition.objects.filter(unit=unit)
        .select_related("criteria_set", "revocation")
        .order_by("decision_date", "id")
    )
    rec_rows = recognition_rows(recognitions, as_of)
    in_force_rows = [r for r in rec_rows if r.in_force]
    tier_in_force = (
        max(in_force_rows, key=lambda r: TIER_RANK[Tier(r.recognition.tier)]).recognition.tier
        if in_force_rows
        else None
    )
    earlier_ids = [u.id for u in detail.predecessor_chain if scope.allows(u)]
    earlier = (
        list(
            Recognition.objects.filter(unit_id__in=earlier_ids)
            .select_related("unit", "revocation")
            .order_by("decision_date", "id")
        )
        if earlier_ids
        else []
    )
    for recognition in earlier:
        recognition.is_demo = is_demo(recognition.source)
    targets = target_rows(unit, Target.objects.filter(unit=unit).order_by("year", "id"), as_of)
    registrations = list(Registration.objects.filter(unit=unit).order_by("year", "tier"))
    sponsorships = list(
        Sponsorship.objects.filter(unit=unit).select_related("sponsor").order_by("start_date")
    )
    for record in (*registrations, *sponsorships):
        record.is_demo = is_demo(record.source)
    figures = figure_rows(
        unit, ReportedFigure.objects.filter(unit=unit).order_by("reported_on", "id")
    )
    criteria = criteria_table(unit, selected, as_of) if selected else []
    last_data_on = max(
        (
            day
            for day in (
                IndicatorValue.objects.filter(unit=unit, is_current=True)
                .order_by("-observed_on")
                .values_list("observed_on", flat=True)
                .first(),
                CriterionCertification.objects.filter(unit=unit, is_current=True)
                .order_by("-certified_on")
                .values_list("certified_on", flat=True)
                .first(),
            )
            if day is not None
        ),
        default=None,
    )
    registrations_below = below.registrations_below(unit, scope)
    demo_sources = [
        *(r.source for g in registrations_below.groups for r in g.rows),
        *(i.source for c in criteria for i in c.indicators),
        *(c.certification.source for c in criteria if c.certification),
        *(r.source for r in recognitions),
        *(r.source for r in earlier),
        *(t.target.source for t in targets),
        *(r.source for r in registrations),
        *(s.source for s in sponsorships),
        *(f.figure.source for f in figures),
    ]
    return UnitPage(
        unit=unit,
        as_of=as_of,
        crumbs=crumbs(unit, scope),
        in_force=is_in_force(unit, as_of),
        statuses=statuses,
        selected=selected,
        criteria=criteria,
        conditions=condition_rows(selected) if selected else [],
        recognitions=rec_rows,
        tier_in_force=tier_in_force,
        earlier_recognitions=earlier,
        targets=targets,
        registrations=registrations,
        sponsorships=sponsorships,
        figures=figures,
        timeline=timeline(unit, selected.stored, as_of, recognitions) if selected else [],
        predecessors=[LinkRow(link, scope.allows(link.unit)) for link in detail.predecessors],
        successors=[LinkRow(link, scope.allows(link.unit)) for link in detail.successors],
        children_count=sum(1 for c in detail.children if scope.allows(c)),
        has_demo=any(is_demo(s) for s in demo_sources),
        last_data_on=last_data_on,
        registrations_below=registrations_below,
        report_days=below.report_days(unit),
    )


# --- Children overview ------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    unit: AdminUnit
    met: int | None
    total: int | None
    all_met: bool
    tier_rank: int
    recognition: Recognition | None
    target: Target | None
    target_reached: bool
    unmet: list[tuple[str, str]]
    missing: int
    not_evaluable: int = 0
    #: whether the child has any value or certification under the set on the date
    has_data: bool = True
    #: for a district: its communes, and how many are at standard
    communes: below.CommuneCount | None = None

    @property
    def tier(self) -> str | None:
        return self.recognition.tier if self.recognition else None


SORTS = {
    "name": lambda r: (search_key(r.unit.name), r.unit.pk),
    "met": lambda r: (r.met if r.met is not None and r.has_data else -1, search_key(r.unit.name)),
    "communes": lambda r: (r.communes.share if r.communes else -1, search_key(r.unit.name)),
    "tier": lambda r: (r.tier_rank, search_key(r.unit.name)),
    "target": lambda r: (r.target.year if r.target else 9999, search_key(r.unit.name)),
}
#: The direction a column sorts in on its first click: most criteria met first, say.
FIRST_DESCENDING = {"met", "tier", "communes"}


@dataclass
class ChildrenOverview:
    level: str | None
    rows: list[ChildRow]
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    total_criteria: int | None
    at_tier: dict[str, int]
    average_met: float | None
    sort: str
    has_demo: bool
    #: children of an urban kind, listed apart: the programme does not assess them
    urban: list[AdminUnit] = field(default_factory=list)
    #: for districts: their communes at standard, summed
    communes: below.CommuneCount | None = None
    #: when no child has data on the date: the nearest days with data before and after it
    data_before: date | None = None
    data_after: date | None = None

    @property
    def noun(self) -> str:
        return str(LEVEL_NOUNS.get(self.level or "", ""))

    @property
    def is_blank(self) -> bool:
        """Rows exist but none has a value or certification under the set on the date."""
        return (
            bool(self.rows)
            and self.criteria_set is not None
            and not any(r.has_data for r in self.rows)
        )


def parse_sort(sort: str) -> tuple[str, bool]:
    """ "-met" -> ("met", descending); unknown columns sort by name."""
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS:
        return "name", False
    return column, descending


def _best_recognitions(child_ids: list[int], as_of: date) -> dict[int, Recognition]:
    best: dict[int, Recognition] = {}
    for recognition in (
        Recognition.objects.filter(unit_id__in=child_ids, decision_date__lte=as_of)
        .exclude(revocation__decision_date__lte=as_of)
        .order_by("decision_date", "id")
    ):
        held = best.get(recognition.unit_id)
        if held is None or TIER_RANK[Tier(recognition.tier)] >= TIER_RANK[Tier(held.tier)]:
            best[recognition.unit_id] = recognition
    return best


def _next_targets(child_ids: list[int], ranks: dict[int, int]) -> dict[int, tuple[Target, bool]]:
    """Per child, its first target above the tier it holds, else its last target (reached)."""
    by_child: dict[int, list[Target]] = {}
    for target in Target.objects.filter(unit_id__in=child_ids, child_count__isnull=True).order_by(
        "year", "id"
    ):
        by_child.setdefault(target.unit_id, []).append(target)
    chosen: dict[int, tuple[Target, bool]] = {}
    for child_id, targets in by_child.items():
        rank = ranks.get(child_id, 0)
        ahead = [t for t in targets if TIER_RANK[Tier(t.tier)] > rank]
        chosen[child_id] = (ahead[0], False) if ahead else (targets[-1], True)
    return chosen


def children_overview(
    unit: AdminUnit, *, scope: Scope, as_of: date, set_id: str = "", sort: str = "name"
) -> ChildrenOverview:
    """One row per child in force on the date and in scope, all evaluated in one pass."""
    children = list(scope.filter(unit.children.filter(in_force_on(as_of))).order_by("name", "id"))
    for child in children:
        child.parent = unit  # spare a query per child when walking up to the province
    # Children are of one level; should a village hang under a district, the communes win.
    level = min((c.level for c in children), key=lambda lv: LEVEL_DEPTH[Level(lv)], default=None)
    urban = [c for c in children if c.level == level and c.kind in URBAN_KINDS]
    children = [c for c in children if c.level == level and c.kind not in URBAN_KINDS]
    column, descending = parse_sort(sort)
    if not children:
        return ChildrenOverview(
            level=level,
            rows=[],
            sets=[],
            criteria_set=None,
            total_criteria=None,
            at_tier={},
            average_met=None,
            sort=f"{'-' if descending else ''}{column}",
            has_demo=False,
            urban=urban,
        )

    sets = applicable_sets(children[0], as_of)
    chosen = next((s for s in sets if s.set_id == set_id), None)
    if chosen is None and set_id:
        chosen = requested_set(set_id, level)
        if chosen is not None:
            sets = [*sets, chosen]
    if chosen is None and sets:
        chosen = sets[0]

    child_ids = [c.id for c in children]
    best = _best_recognitions(child_ids, as_of)
    ranks = {cid: TIER_RANK[Tier(r.tier)] for cid, r in best.items()}
    targets = _next_targets(child_ids, ranks)

    evaluation = None
    if chosen is not None:
        evaluation, _eligibility, _ladder = evaluate_with_ladder(chosen, children, as_of)
    position = {int(uid): i for i, uid in enumerate(evaluation.units.ids)} if evaluation else {}
    criteria = evaluation.definition.criteria if evaluation else ()
    with_data = units_with_data(evaluation) if evaluation is not None else None
    communes = below.communes_at_tier(child_ids, as_of) if level == "district" else {}
    rows = []
    for child in children:
        met = total = None
        all_met = False
        has_data = False
        unmet: list[tuple[str, str]] = []
        missing = not_evaluable = 0
        if evaluation is not None:
            i = position[child.id]
            met, total = int(evaluation.met[i]), evaluation.total
            all_met = bool(evaluation.all_met[i])
            has_data = bool(with_data[i])
            statuses = evaluation.criterion_status[i]
            unmet = [
                (criteria[c].number, localized_name(criteria[c]))
                for c in np.flatnonzero(statuses == Status.NOT_MET)
            ]
            missing = int((statuses == Status.MISSING).sum())
            not_evaluable = int((statuses == Status.NOT_EVALUABLE).sum())
        target, reached = targets.get(child.id, (None, False))
        rows.append(
            ChildRow(
                unit=child,
                met=met,
                total=total,
                all_met=all_met,
                tier_rank=ranks.get(child.id, 0),
                recognition=best.get(child.id),
                target=target,
                target_reached=reached,
                unmet=unmet,
                missing=missing,
                not_evaluable=not_evaluable,
                has_data=has_data,
                communes=communes.get(child.id, below.CommuneCount(0, 0, 0))
                if level == "district"
                else None,
            )
        )
    rows.sort(key=SORTS[column], reverse=descending)

    at_tier = {
        tier.value: sum(1 for r in rows if r.tier_rank >= TIER_RANK[tier])
        for tier in (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
    }
    mets = [r.met for r in rows if r.met is not None and r.has_data]
    sources = [r.recognition.source for r in rows if r.recognition] + [
        r.target.source for r in rows if r.target
    ]
    has_demo = any(is_demo(s) for s in sources) or (
        IndicatorValue.objects.filter(unit_id__in=child_ids, source__istartswith="demo").exists()
        or CriterionCertification.objects.filter(
            unit_id__in=child_ids, source__istartswith="demo"
        ).exists()
    )
    overview = ChildrenOverview(
        level=level,
        rows=rows,
        sets=sets,
        criteria_set=chosen,
        total_criteria=evaluation.total if evaluation else None,
        at_tier=at_tier,
        average_met=sum(mets) / len(mets) if mets else None,
        sort=f"{'-' if descending else ''}{column}",
        has_demo=has_demo,
        urban=urban,
        communes=below.CommuneCount(
            total=sum(c.total for c in communes.values()),
            standard=sum(c.standard for c in communes.values()),
            advanced=sum(c.advanced for c in communes.values()),
        )
        if level == "district"
        else None,
    )
    if overview.is_blank and evaluation is not None:
        overview.data_before, overview.data_after = nearest_data_days(
            child_ids, evaluation.definition, as_of
        )
    return overview


def nearest_data_days(
    unit_ids: list[int], definition: Any, as_of: date
) -> tuple[date | None, date | None]:
    """The last day before `as_of` and the first after it on which any of the units has a
    certification or an entered value under the set (four aggregate queries)."""
    certifications = CriterionCertification.objects.filter(
        unit_id__in=unit_ids,
        criterion_key__in=[c.key for c in definition.criteria],
        is_current=True,
    )
    values = IndicatorValue.objects.filter(
        unit_id__in=unit_ids,
        indicator_key__in=[
            i.key for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE
        ],
        is_current=True,
    )
    before = [
        certifications.filter(certified_on__lt=as_of).aggregate(day=Max("certified_on"))["day"],
        values.filter(observed_on__lt=as_of).aggregate(day=Max("observed_on"))["day"],
    ]
    after = [
        certifications.filter(certified_on__gt=as_of).aggregate(day=Min("certified_on"))["day"],
        values.filter(observed_on__gt=as_of).aggregate(day=Min("observed_on"))["day"],
    ]
    return (
        max((d for d in before if d), default=None),
        min((d for d in after if d), default=None),
    )


def sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort value its header link sets and its aria-sort."""
    column, descending = parse_sort(current)
    links = {}
    for name in SORTS:
        if name == column:
            links[name] = {
                "param": name if descending else f"-{name}",
                "aria": "descending" if descending else "ascending",
            }
        else:
            links[name] = {
                "param": f"-{name}" if name in FIRST_DESCENDING else name,
                "aria": "none",
            }
    return links
