"""What a user may see: a set of unit ids computed once per request, never per unit.

- A superuser, or a profile without a unit, sees every unit.
- Otherwise: the profile's unit, everything under it (every era), what those units became
  and what they came from through reorganizations, with what lies under those. So a Kỳ Lạc
  user follows Kỳ Lạc into the 2025 commune that succeeded it, but never sees Kỳ Tây.
- Ancestors are not in scope: a commune user sees the name of their district in a
  breadcrumb, not the district's page with its other communes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from ntm.units.models import AdminUnit, Succession


@dataclass(frozen=True)
class Scope:
    """None for everything; otherwise the frozen set of visible unit ids."""

    unit_ids: frozenset[int] | None
    root_id: int | None = None

    @property
    def is_national(self) -> bool:
        return self.unit_ids is None

    def allows(self, unit: AdminUnit | int | None) -> bool:
        if unit is None:
            return self.is_national
        unit_id = unit if isinstance(unit, int) else unit.pk
        return self.unit_ids is None or unit_id in self.unit_ids

    def filter(self, units: QuerySet[AdminUnit], field: str = "pk") -> QuerySet[AdminUnit]:
        """Restrict a queryset (of units, or of records with `field` pointing at a unit)."""
        if self.unit_ids is None:
            return units
        return units.filter(**{f"{field}__in": self.unit_ids})


NOTHING = Scope(frozenset())


def _descendants(root_ids: set[int]) -> set[int]:
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:  # one query per level: province > district > commune > village
        frontier = (
            set(AdminUnit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - found
        )
        found |= frontier
    return found


def _follow(unit_ids: set[int], *, forward: bool) -> set[int]:
    """Successors (forward) or predecessors (backward) of the units, transitively."""
    mine, theirs = (
        ("predecessor_id", "successor_id") if forward else ("successor_id", "predecessor_id")
    )
    reached: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        found = set(
            Succession.objects.filter(**{f"{mine}__in": frontier}).values_list(theirs, flat=True)
        )
        frontier = found - reached - unit_ids
        reached |= frontier
    return reached


def scope_for_unit(unit_id: int) -> Scope:
    """The unit and what is under it, plus what it became (successors) and what it came
    from (predecessors), each with what is under them. Not sideways: a 2025 commune's
    other predecessors are not visible to a user of one of them."""
    own = _descendants({unit_id})
    later = _follow(own, forward=True)
    earlier = _follow(own, forward=False)
    linked = _descendants(later | earlier) if (later or earlier) else set()
    return Scope(frozenset(own | linked), root_id=unit_id)


def scope_of(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    if user is None or not user.is_authenticated:
        return NOTHING
    if user.is_superuser:
        return Scope(None)
    cached = getattr(user, "_ntm_scope", None)
    if cached is not None:
        return cached
    profile = getattr(user, "profile", None)
    if profile is None:
        scope = NOTHING
    elif profile.unit_id is None:
        scope = Scope(None)
    else:
        scope = scope_for_unit(profile.unit_id)
    user._ntm_scope = scope
    return scope


class UnitNotFound(Http404):
    """No such unit, or one outside the user's scope: the same 404 either way, so that a
    user cannot tell which units exist beyond their own."""

    def __init__(self, unit_id: object):
        self.unit_id = unit_id
        super().__init__(f"No unit {unit_id} in your scope.")


def visible_unit(
    who: Scope | AbstractBaseUser | AnonymousUser | None, unit_id: int | str | None
) -> AdminUnit:
    """The unit with its parents loaded (for breadcrumbs and names), if `who` (a scope or a
    user) may see it; else UnitNotFound, an Http404 (pages answer 404; the API turns it into
    its own 404 with ``ntm.accounts.api_lookup.api_visible_unit``). An id that is not a
    number, or none, is not found either."""
    scope = who if isinstance(who, Scope) else scope_of(who)
    try:
        pk = int(unit_id or 0)
    except (TypeError, ValueError):
        raise UnitNotFound(unit_id) from None
    if not pk or not scope.allows(pk):
        raise UnitNotFound(unit_id)
    unit = AdminUnit.objects.select_related("parent__parent__parent").filter(pk=pk).first()
    if unit is None:
        raise UnitNotFound(unit_id)
    return unit
