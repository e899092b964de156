"""A unit's own writes: a historical unit, a village, its region and commune group."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ntm.audit.services import Actor, Change, record_change
from ntm.core import hierarchy
from ntm.core.hierarchy import LEVEL_DEPTH, Level
from ntm.units.models import (
    KIND_LEVEL,
    AdminUnit,
    CommuneGroupChoices,
    KindChoices,
    RegionChoices,
    SourceChoices,
)
from ntm.units.services.common import (
    USER_REGION_SOURCE,
    VILLAGE_KINDS,
    ReorganizationRefused,
    _fresh,
    _vi,
    default_short_name,
    describe,
)

# --------------------------------------------------------------------------- other writes


def _covers(outer: AdminUnit, start: date | None, end: date | None) -> bool:
    starts_in = outer.valid_from is None or (start is not None and outer.valid_from <= start)
    ends_in = outer.valid_to is None or (end is not None and end <= outer.valid_to)
    return starts_in and ends_in


@transaction.atomic
def add_historical_unit(
    *,
    name: str,
    kind: str,
    valid_from: date | None,
    valid_to: date | None,
    code: str = "",
    short_name: str = "",
    parent: AdminUnit | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    user: Any = None,
) -> AdminUnit:
    """A unit that existed in the past (e.g. a district merged before 2025), for later events.

    Leave ``valid_to`` empty when an event recorded afterwards ends the unit: it then ends
    with its parent's record at the latest.
    """
    name = name.strip()
    what = f"Historical unit {name!r}"
    if not name:
        raise ReorganizationRefused("A historical unit needs a name.")
    if kind not in KindChoices.values:
        raise ReorganizationRefused(f"{what}: unknown kind {kind!r}.")
    level = KIND_LEVEL[KindChoices(kind)].value
    if valid_from and valid_to and valid_to <= valid_from:
        raise ReorganizationRefused(f"{what}: it must end after it begins.")
    parent = _fresh(parent) if parent is not None else None
    if Level(level) is not Level.PROVINCE:
        if parent is None:
            raise ReorganizationRefused(f"{what}: a {level} needs a parent unit.")
        if LEVEL_DEPTH[Level(parent.level)] >= LEVEL_DEPTH[Level(level)]:
            raise ReorganizationRefused(f"{what}: {describe(parent)} cannot be its parent.")
        valid_to = valid_to or parent.valid_to
        if not _covers(parent, valid_from, valid_to):
            raise ReorganizationRefused(
                f"{what}: the parent {describe(parent)} does not exist over the whole period "
                f"{valid_from or '…'} – {valid_to or '…'}."
            )
    elif parent is not None:
        raise ReorganizationRefused(f"{what}: a province has no parent unit.")
    code = code.strip()
    if code:
        overlapping = (
            AdminUnit.objects.filter(code=code, level=level)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from or date.min))
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lt=valid_to or date.max))
            .first()
        )
        if overlapping is not None:
            raise ReorganizationRefused(
                f"{what}: the code {code!r} is used by {describe(overlapping)} in the same period."
            )
    unit = AdminUnit(
        code=code,
        name=name,
        short_name=short_name.strip() or default_short_name(name),
        kind=kind,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        latitude=latitude,
        longitude=longitude,
        region=parent.region if parent else "",
        region_source=parent.region_source if parent else "",
        source=SourceChoices.USER,
    )
    unit.save()
    return unit


@transaction.atomic
def create_village(
    *,
    parent: AdminUnit,
    name: str,
    kind: str,
    code: str = "",
    valid_from: date | None = None,
    user: Any = None,
    actor: Actor | None = None,
) -> AdminUnit:
    """A village (thôn, xóm, bản, khu dân cư, tổ dân phố) under a commune-level unit.

    It ends when its commune's record ends, so the hierarchy stays consistent as of any date.
    """
    parent = _fresh(parent)
    name = name.strip()
    if not name:
        raise ReorganizationRefused("A village needs a name.")
    if kind not in VILLAGE_KINDS:
        raise ReorganizationRefused(
            f"Village {name!r}: unknown kind {kind!r}; use one of {', '.join(VILLAGE_KINDS)}."
        )
    if parent.level != Level.COMMUNE:
        raise ReorganizationRefused(
            f"Village {name!r}: {describe(parent)} is not a commune-level unit."
        )
    on = valid_from or timezone.localdate()
    if not parent.to_domain().is_active(on):
        raise ReorganizationRefused(
            f"Village {name!r}: {describe(parent)} is not in force on {on.isoformat()}."
        )
    if parent.valid_to is not None and valid_from is not None and valid_from >= parent.valid_to:
        raise ReorganizationRefused(f"Village {name!r} would begin after its commune ends.")
    same_name = (
        AdminUnit.objects.filter(
            parent=parent, level=Level.VILLAGE, search_name=hierarchy.search_key(name)
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .first()
    )
    if same_name is not None:
        raise ReorganizationRefused(f"{parent.name} already has a village {same_name.name!r}.")
    village = AdminUnit(
        code=code.strip(),
        name=name,
        short_name=default_short_name(name),
        kind=kind,
        level=Level.VILLAGE,
        parent=parent,
        valid_from=valid_from,
        valid_to=parent.valid_to,
        region=parent.region,
        region_source=parent.region_source,
        commune_group=parent.commune_group,
        source=SourceChoices.USER,
    )
    village.save()
    record_change(
        actor or Actor(user=user if getattr(user, "is_authenticated", False) else None),
        Change(
            action="unit.create_village",
            obj=village,
            unit_id=village.pk,
            unit_label=village.name,
            summary=f"Thêm {_vi(village.get_kind_display).lower()} {village.name} vào {parent.name}",
            new={"name": village.name, "kind": village.kind, "code": village.code,
                 "parent_id": parent.pk, "valid_from": valid_from},
        ),
    )  # fmt: skip
    return village


@transaction.atomic
def set_region(*, unit: AdminUnit, region: str, actor: Actor | None = None) -> AdminUnit:
    """Set a unit's region by hand (the loader never overwrites it); "" clears it."""
    unit = _fresh(unit)
    if region and region not in RegionChoices.values:
        raise ReorganizationRefused(
            f"Unknown region {region!r}; use one of {', '.join(RegionChoices.values)}."
        )
    old = {"region": unit.region, "region_source": unit.region_source}
    unit.region = region
    unit.region_source = USER_REGION_SOURCE if region else ""
    unit.save(update_fields=["region", "region_source", "search_name", "updated_at"])
    if old["region"] != region:
        _audit_unit_field(actor, unit, "unit.set_region", old, {"region": region})
    return unit


def _audit_unit_field(
    actor: Actor | None, unit: AdminUnit, action: str, old: dict, new: dict
) -> None:
    record_change(
        actor or Actor.system(),
        Change(
            action=action,
            obj=unit,
            unit_id=unit.pk,
            unit_label=unit.name,
            summary=f"{unit.name}: " + ", ".join(f"{k} = {v!r}" for k, v in new.items()),
            old=old,
            new=new,
        ),
    )


@transaction.atomic
def set_commune_group(
    *, unit: AdminUnit, group: int | None, actor: Actor | None = None
) -> AdminUnit:
    """Set the 2026-2030 commune group (1, 2 or 3) of a commune; None clears it."""
    unit = _fresh(unit)
    if group is not None and group not in CommuneGroupChoices.values:
        raise ReorganizationRefused(f"Unknown commune group {group!r}; use 1, 2 or 3.")
    if group is not None and unit.level != Level.COMMUNE:
        raise ReorganizationRefused(
            f"{describe(unit)} is not a commune: commune groups apply to communes only."
        )
    old = {"commune_group": unit.commune_group}
    unit.commune_group = group
    unit.save(update_fields=["commune_group", "search_name", "updated_at"])
    if old["commune_group"] != group:
        _audit_unit_field(actor, unit, "unit.set_commune_group", old, {"commune_group": group})
    return unit
