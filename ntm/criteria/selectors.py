"""Read queries for criteria sets."""

from __future__ import annotations

from ntm.criteria.models import CriteriaSet, SetStatusChoices


class UnknownSet(LookupError):
    """No such criteria set (or version); the message lists the known ids."""


def get_set(set_id: str, version: int | None = None) -> CriteriaSet:
    """A set version: the given one, or the latest published version."""
    versions = CriteriaSet.objects.filter(set_id=set_id)
    if version is not None:
        found = versions.filter(version=version).first()
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
