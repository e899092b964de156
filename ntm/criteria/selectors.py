"""Read queries for criteria sets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ntm.criteria.models import CriteriaSet, SetStatusChoices

if TYPE_CHECKING:
    from ntm.units.models import AdminUnit

#: Order of tiers when several sets apply: standard before advanced before model.
TIER_ORDER = {"standard": 1, "completion": 1, "advanced": 2, "model": 3, "modern": 4}


class UnknownSet(LookupError):
    """No such criteria set (or version); the message lists the known ids."""


def get_set(set_id: str, version: int | None = None, *, on: dt.date | None = None) -> CriteriaSet:
    """A set version: the given one, else the one in force on a date (``on``), else the
    latest published version."""
    versions = CriteriaSet.objects.filter(set_id=set_id)
    if version is not None:
        found = versions.filter(version=version).first()
    elif on is not None:
        published = list(versions.filter(status=SetStatusChoices.PUBLISHED).order_by("version"))
        found = version_in_force(published, on) if published else None
    else:
        found = versions.filter(status=SetStatusChoices.PUBLISHED).order_by("-version").first()
    if found is None:
        known = sorted(set(CriteriaSet.objects.values_list("set_id", flat=True)))
        what = f"{set_id}@{version}" if version is not None else set_id
        listing = ", ".join(known) if known else "none loaded (run `ntm setup`)"
        raise UnknownSet(f"Unknown criteria set {what!r}. Known sets: {listing}.")
    return found


def latest_sets() -> list[CriteriaSet]:
    """The latest published version of every set, ordered by level, period and tier."""
    latest: dict[str, CriteriaSet] = {}
    for stored in CriteriaSet.objects.filter(status=SetStatusChoices.PUBLISHED).order_by("version"):
        latest[stored.set_id] = stored
    return sorted(latest.values(), key=lambda s: (s.level, s.period_start or 0, s.tier, s.set_id))


def version_in_force(versions: list[CriteriaSet], on: dt.date) -> CriteriaSet:
    """Of a set's published versions (oldest first), the one in force on a date: the latest
    that has taken effect, else the first one (none in force yet).

    A version issued by a later decision does not re-evaluate earlier dates: Kỳ Lạc on
    25/9/2021 is judged by the Hà Tĩnh set then in force, not by a version of 2026.
    """
    in_force = [v for v in versions if (start := takes_effect(v)) is None or start <= on]
    return in_force[-1] if in_force else versions[0]


def sets_in_force(on: dt.date) -> list[CriteriaSet]:
    """For every set id, its published version in force on a date (see version_in_force)."""
    by_id: dict[str, list[CriteriaSet]] = {}
    for stored in CriteriaSet.objects.filter(status=SetStatusChoices.PUBLISHED).order_by(
        "set_id", "version"
    ):
        by_id.setdefault(stored.set_id, []).append(stored)
    return [version_in_force(versions, on) for versions in by_id.values()]


def ladder_of(criteria_set: CriteriaSet) -> list[CriteriaSet]:
    """The tier ladder a set belongs to, lowest tier first (standard -> advanced -> model).

    Built from the sets' ``requires`` links: the sets this one requires, and those that
    require it, transitively.
    """
    sets = {s.set_id: s for s in latest_sets()}
    sets.setdefault(criteria_set.set_id, criteria_set)
    below: list[CriteriaSet] = []
    current = criteria_set
    while current.requires_set_id and current.requires_set_id in sets:
        current = sets[current.requires_set_id]
        if current in below:
            break
        below.insert(0, current)
    above: list[CriteriaSet] = []
    current = criteria_set
    while True:
        nxt = next(
            (s for s in sets.values() if s.requires_set_id == current.set_id and s not in above),
            None,
        )
        if nxt is None:
            break
        above.append(nxt)
        current = nxt
    return [*below, criteria_set, *above]


def takes_effect(criteria_set: CriteriaSet) -> dt.date | None:
    """The day a set took effect: its legal source's effective date, else the date it was
    issued, else 1 January of its first year (None for a set without any of them)."""
    legal = criteria_set.definition.get("legal_source") or {}
    for text in (legal.get("effective"), legal.get("date")):
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            continue
    if criteria_set.period_start is not None:
        return dt.date(criteria_set.period_start, 1, 1)
    return None


def _province_code(unit: AdminUnit) -> str:
    """The code of the province a unit lies in (the unit's own code for a province)."""
    current = unit
    while current.parent_id is not None:
        current = current.parent
    return current.code if current.level == "province" else ""


def _covers(criteria_set: CriteriaSet, year: int) -> bool:
    start, end = criteria_set.period_start, criteria_set.period_end
    return (start is None or start <= year) and (end is None or year <= end)


def applicable_sets(unit: AdminUnit, as_of: dt.date) -> list[CriteriaSet]:
    """The published sets (each in its version in force) that apply to a unit on a date.

    A set applies when it is for the unit's level, national or the variant of the unit's
    province, and its period covers the year. A set whose period has ended stays in use
    until a newer set of the same level and tier takes effect: the 2016-2020 sets were
    still applied in 2021, before Decision 318/QĐ-TTg took effect on 8/3/2022.
    Order: the province's own variants first, then by tier, sets in force before those
    not yet in force, newest period first.
    """
    province_code = _province_code(unit)
    candidates = [
        s
        for s in sets_in_force(as_of)
        if s.level == unit.level and s.province_code in ("", province_code)
    ]
    year = as_of.year

    def in_force(criteria_set: CriteriaSet) -> bool:
        start = takes_effect(criteria_set)
        return start is None or start <= as_of

    def superseded(ended: CriteriaSet) -> bool:
        return any(
            newer.tier == ended.tier
            and newer.period_start is not None
            and ended.period_end is not None
            and newer.period_start > ended.period_end
            and in_force(newer)
            for newer in candidates
        )

    chosen = [
        s
        for s in candidates
        if _covers(s, year)
        or (s.period_end is not None and s.period_end < year and not superseded(s))
    ]
    return sorted(
        chosen,
        key=lambda s: (
            0 if s.province_code else 1,
            TIER_ORDER.get(s.tier, 9),
            0 if in_force(s) else 1,
            -(s.period_start or 0),
            s.set_id,
        ),
    )
