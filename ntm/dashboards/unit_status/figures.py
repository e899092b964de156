"""Reported figures beside the ones ntm computes, and the children listed later when their
number differs from a report's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from ntm.core.criteria.model import Tier
from ntm.criteria.selectors import applicable_sets
from ntm.dashboards.evaluation import URBAN_KINDS, evaluate_units
from ntm.dashboards.selectors import children_at_tier
from ntm.dashboards.unit_status.words import (
    CHILD_COUNT_METRICS,
    CRITERIA_MET_METRICS,
    REGISTRATION_METRICS,
    REPORTED_DECIMALS,
)
from ntm.presentation.labels import localized_name
from ntm.presentation.page_words import is_demo, last_day, localized_number, short_date
from ntm.programme.models import Registration
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit, Succession
from ntm.units.selectors import in_force_on


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
