"""Read queries for administrative units: lookup by code, details with history, search, counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from ntm.core import hierarchy
from ntm.core.hierarchy import LEVEL_DEPTH, REFORM_2025, Era, HierarchyError, Level
from ntm.units.models import AdminUnit, ReorganizationEvent, Succession


def in_force_on(on: date) -> Q:
    """Records in force on a date (valid_from inclusive, valid_to exclusive)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )


def is_in_force(unit: AdminUnit, on: date) -> bool:
    """The unit is in force on a date (the test of ``in_force_on`` for one loaded unit)."""
    return (unit.valid_from is None or unit.valid_from <= on) and (
        unit.valid_to is None or on < unit.valid_to
    )


def parse_level(level: str | Level | None) -> Level | None:
    if level is None or level == "":
        return None
    try:
        return Level(level)
    except ValueError:
        raise HierarchyError(
            f"Unknown level {level!r}; use one of {', '.join(v.value for v in Level)}."
        ) from None


def parse_era(era: str | Era | None) -> Era | None:
    if era is None or era == "":
        return None
    try:
        return Era(era)
    except ValueError:
        raise HierarchyError(
            f"Unknown era {era!r}; use one of {', '.join(v.value for v in Era)}."
        ) from None


def find_unit(
    code: str,
    *,
    on: date | None = None,
    era: Era | str | None = None,
    level: Level | str | None = None,
) -> hierarchy.UnitRecord:
    """The unit with this official code on a date or in an era (codes are reused across eras).

    Raises UnknownUnit, or AmbiguousUnit listing the candidates.
    """
    wanted_level = parse_level(level)
    rows = AdminUnit.objects.filter(code=code.strip())
    if wanted_level is not None:
        rows = rows.filter(level=wanted_level)
    records = [unit.to_domain() for unit in rows]
    return hierarchy.find_by_code(records, code, on=on, era=parse_era(era), level=wanted_level)


def unit_stats() -> dict[str, dict[str, int]]:
    """Number of unit records per era and level (every level listed, zeros included)."""
    stats = {era.value: {level.value: 0 for level in Level} for era in Era}
    rows = (
        AdminUnit.objects.annotate(
            is_new=Case(
                When(valid_from__gte=REFORM_2025, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values("is_new", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        era = Era.FROM_2025 if row["is_new"] else Era.BEFORE_2025
        stats[era.value][row["level"]] = row["n"]
    return stats


@dataclass(frozen=True)
class Link:
    """A direct predecessor or successor, with the event that links them."""

    unit: AdminUnit
    event: ReorganizationEvent
    is_partial: bool


@dataclass(frozen=True)
class UnitDetail:
    """A unit with its place in the hierarchy and its history."""

    unit: AdminUnit
    parent: AdminUnit | None
    children_on: date
    children: list[AdminUnit]
    predecessors: list[Link]
    successors: list[Link]
    #: every unit the unit comes from / leads to, through any number of events
    predecessor_chain: list[AdminUnit]
    successor_chain: list[AdminUnit]


def default_as_of(unit: AdminUnit) -> date:
    """The last day a unit was in force, or today for a unit still in force."""
    if unit.valid_to is not None:
        return unit.valid_to - dt.timedelta(days=1)
    return timezone.localdate()


def unit_detail(unit: AdminUnit, *, on: date | None = None) -> UnitDetail:
    """Parent, children as of a date (default: the unit's last day), direct links and chains."""
    unit = AdminUnit.objects.select_related("parent").get(pk=unit.pk)
    children_on = on or default_as_of(unit)
    children = list(
        unit.children.filter(in_force_on(children_on)).order_by("level", "name", "code")
    )
    links = Succession.objects.select_related("event", "predecessor", "successor")
    predecessors = [
        Link(link.predecessor, link.event, link.is_partial)
        for link in links.filter(successor=unit).order_by("predecessor__name", "id")
    ]
    successors = [
        Link(link.successor, link.event, link.is_partial)
        for link in links.filter(predecessor=unit).order_by("successor__name", "id")
    ]
    return UnitDetail(
        unit=unit,
        parent=unit.parent,
        children_on=children_on,
        children=children,
        predecessors=predecessors,
        successors=successors,
        predecessor_chain=_chain(unit.pk, forward=False),
        successor_chain=_chain(unit.pk, forward=True),
    )


def _chain(start_id: int, *, forward: bool) -> list[AdminUnit]:
    """All units reachable through successions, one query per generation."""
    own, other = (
        ("predecessor_id", "successor_id") if forward else ("successor_id", "predecessor_id")
    )
    collected: list[hierarchy.Succession] = []
    seen, frontier = {start_id}, {start_id}
    while frontier:
        rows = Succession.objects.filter(**{f"{own}__in": frontier}).values_list(
            "predecessor_id", "successor_id", "is_partial", other
        )
        frontier = set()
        for predecessor_id, successor_id, is_partial, reached in rows:
            collected.append(hierarchy.Succession(predecessor_id, successor_id, is_partial))
            if reached not in seen:
                seen.add(reached)
                frontier.add(reached)
    ids = hierarchy.walk(start_id, collected, forward=forward)
    units = AdminUnit.objects.in_bulk(ids)
    return sorted(
        (units[i] for i in ids),
        key=lambda u: (u.valid_from or date.min, LEVEL_DEPTH[Level(u.level)], u.name),
    )


def _depth_order() -> Case:
    return Case(
        *(When(level=level.value, then=Value(depth)) for level, depth in LEVEL_DEPTH.items()),
        output_field=IntegerField(),
    )


def list_units(
    *,
    level: Level | str | None = None,
    on: date | None = None,
    query: str = "",
    parent_id: int | None = None,
) -> QuerySet[AdminUnit]:
    """Units filtered by level, date, name (accent-insensitive) and parent, provinces first."""
    units = AdminUnit.objects.select_related("parent")
    wanted_level = parse_level(level)
    if wanted_level is not None:
        units = units.filter(level=wanted_level)
    if on is not None:
        units = units.filter(in_force_on(on))
    key = hierarchy.search_key(query)
    if key:
        units = units.filter(search_name__contains=key)
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    return units.annotate(depth=_depth_order()).order_by(
        "depth", "search_name", F("valid_from").asc(nulls_first=True), "id"
    )


def search_units(query: str, *, on: date | None = None, limit: int = 50) -> list[AdminUnit]:
    """Units whose name contains the query, ignoring accents and case ("ky lac" finds Kỳ Lạc)."""
    if not hierarchy.search_key(query):
        return []
    return list(list_units(on=on, query=query)[:limit])


def active_units(level: Level | str, on: date) -> QuerySet[AdminUnit]:
    """All units of a level in force on a date."""
    return AdminUnit.objects.filter(level=parse_level(level)).filter(in_force_on(on))
