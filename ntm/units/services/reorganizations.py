"""Dated reorganizations: merges, splits, renames, moves, and earlier history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from ntm.audit.services import Actor
from ntm.core.hierarchy import EventKind, Level
from ntm.units.models import (
    AdminUnit,
    ConfidenceChoices,
    ReorganizationEvent,
    SourceChoices,
)
from ntm.units.services.common import ReorganizationRefused, _fresh, default_short_name, describe
from ntm.units.services.recorder import (
    LegalAct,
    RecordedEvent,
    UnitSpec,
    _act,
    _check_code_free,
    _check_in_force,
    _check_kind,
    _check_parent,
    _children_in_force_after,
    _continue_record,
    _Recorder,
    _refuse_later_history,
)


def _merged_units(
    units: Sequence[AdminUnit], into: AdminUnit | None, new_unit: UnitSpec | None, on: date
) -> tuple[list[AdminUnit], AdminUnit | None, list[AdminUnit], str]:
    """The merged units and the absorbing one, fresh and checked; all closed ones; their level."""
    if (into is None) == (new_unit is None):
        raise ReorganizationRefused("A merge names either the absorbing unit or a new unit.")
    merged = [_fresh(u) for u in units]
    absorbing = _fresh(into) if into is not None else None
    ids = [u.pk for u in merged]
    if len(set(ids)) != len(ids):
        raise ReorganizationRefused("A unit is listed twice in the merge.")
    if absorbing is not None and absorbing.pk in ids:
        raise ReorganizationRefused(
            f"{describe(absorbing)} is the absorbing unit and cannot also be merged into itself."
        )
    minimum = 1 if absorbing is not None else 2
    if len(merged) < minimum:
        raise ReorganizationRefused(
            "A merge into a new unit needs at least two units (use a rename for one)."
            if absorbing is None
            else "A merge needs at least one unit to merge."
        )
    closed = [*merged, *([absorbing] if absorbing else [])]
    level = closed[0].level
    for unit in closed:
        _check_in_force(unit, on)
        if unit.level != level:
            raise ReorganizationRefused(
                f"{describe(unit)} is a {unit.level}; all merged units must be at one level ({level})."
            )
    return merged, absorbing, closed, level


def _merge_parent(
    new_unit: UnitSpec, merged: Sequence[AdminUnit], level: str, on: date, *, what: str
) -> AdminUnit | None:
    """The new unit's parent: the one given, else the merged units' common parent."""
    parent = _fresh(new_unit.parent) if new_unit.parent is not None else None
    if parent is None and Level(level) is not Level.PROVINCE:
        parents = {u.parent_id for u in merged}
        if len(parents) != 1:
            raise ReorganizationRefused(
                f"{what}: the merged units have different parents; say which parent "
                "the new unit has."
            )
        parent = _fresh(parents.pop())
    _check_parent(parent, level, on, what=what)
    return parent


def _new_merged_unit(
    new_unit: UnitSpec, merged: Sequence[AdminUnit], level: str, on: date
) -> AdminUnit:
    """The unsaved new unit of a merge, with the region and group the merged units share."""
    what = f"New unit {new_unit.name!r}"
    if new_unit.children:
        raise ReorganizationRefused(
            f"{what}: children are assigned in a split only; in a merge they all follow."
        )
    _check_kind(new_unit.kind, level, what=what)
    parent = _merge_parent(new_unit, merged, level, on, what=what)
    ends = [u.valid_to for u in merged]
    record = AdminUnit(
        code=new_unit.code.strip(),
        name=new_unit.name.strip(),
        short_name=new_unit.short_name.strip() or default_short_name(new_unit.name),
        kind=new_unit.kind,
        level=level,
        parent=parent,
        valid_from=on,
        valid_to=None if None in ends else max(e for e in ends if e is not None),
        latitude=new_unit.latitude,
        longitude=new_unit.longitude,
        source=SourceChoices.EVENT,
    )
    regions = {(u.region, u.region_source) for u in merged}
    if len(regions) == 1:
        record.region, record.region_source = regions.pop()
    groups = {u.commune_group for u in merged}
    if len(groups) == 1:
        record.commune_group = groups.pop()
    return record


@transaction.atomic
def record_merge(
    *,
    units: Sequence[AdminUnit],
    effective_date: date,
    into: AdminUnit | None = None,
    new_unit: UnitSpec | None = None,
    legal_act_number: str = "",
    legal_act_date: date | None = None,
    issuer: str = "",
    note: str = "",
    confidence: str = ConfidenceChoices.VERIFIED,
    user: Any = None,
    actor: Actor | None = None,
) -> RecordedEvent:
    """Merge units into an existing absorbing unit or into a new unit."""
    act = _act(legal_act_number, legal_act_date, issuer, note, confidence)
    on = effective_date
    merged, absorbing, closed, level = _merged_units(units, into, new_unit, on)
    if absorbing is not None:
        record = _continue_record(absorbing, on)
    else:
        assert new_unit is not None
        record = _new_merged_unit(new_unit, merged, level, on)
    _check_code_free(record.code, level, on, closing=[u.pk for u in closed])
    children = _children_in_force_after(closed, on)

    recorder = _Recorder(on, act, user, actor)
    recorder.close(closed)
    record.save()
    event = recorder.event(EventKind.MERGE)
    recorder.link(event, [(u, record, False) for u in closed])
    recorder.repoint_later({u.pk: record for u in closed})
    move, moved = recorder.move_descendants(
        {u.pk: record for u in closed}, children, f"sáp nhập vào {record.name}"
    )
    return RecordedEvent(event=event, units=[record], move_event=move, moved=moved)


def _split_assignment(
    source: AdminUnit, into: Sequence[UnitSpec], children: Sequence[AdminUnit], on: date
) -> dict[int, int]:
    """Child id -> index of the new unit it goes to; every child exactly once."""
    child_ids = {c.pk for c in children}
    assigned: dict[int, int] = {}
    for index, spec in enumerate(into):
        for child_id in spec.children:
            if child_id not in child_ids:
                raise ReorganizationRefused(
                    f"New unit {spec.name!r}: unit id {child_id} is not a child of "
                    f"{describe(source)} on {on.isoformat()}."
                )
            if child_id in assigned:
                raise ReorganizationRefused(
                    f"Unit id {child_id} is assigned to two new units of the split."
                )
            assigned[child_id] = index
    unassigned = [c for c in children if c.pk not in assigned]
    if unassigned:
        names = ", ".join(f"{c.name} (id {c.pk})" for c in unassigned)
        raise ReorganizationRefused(
            f"The split of {describe(source)} does not say which new unit these children go "
            f"to: {names}."
        )
    return assigned


def _split_records(source: AdminUnit, into: Sequence[UnitSpec], on: date) -> list[AdminUnit]:
    """The unsaved new units of a split, each checked (kind, parent, code)."""
    records = []
    for spec in into:
        what = f"New unit {spec.name!r}"
        _check_kind(spec.kind, source.level, what=what)
        parent = _fresh(spec.parent) if spec.parent is not None else source.parent
        _check_parent(parent, source.level, on, what=what)
        _check_code_free(spec.code.strip(), source.level, on, closing=[source.pk])
        records.append(
            _continue_record(
                source,
                on,
                code=spec.code.strip(),
                name=spec.name.strip(),
                short_name=spec.short_name.strip() or default_short_name(spec.name),
                kind=spec.kind,
                parent_id=parent.pk if parent else None,
                latitude=spec.latitude,
                longitude=spec.longitude,
            )
        )
    return records


@transaction.atomic
def record_split(
    *,
    unit: AdminUnit,
    into: Sequence[UnitSpec],
    effective_date: date,
    legal_act_number: str = "",
    legal_act_date: date | None = None,
    issuer: str = "",
    note: str = "",
    confidence: str = ConfidenceChoices.VERIFIED,
    user: Any = None,
    actor: Actor | None = None,
) -> RecordedEvent:
    """Split a unit into new units; every child must be assigned to one of them."""
    act = _act(legal_act_number, legal_act_date, issuer, note, confidence)
    on = effective_date
    source = _fresh(unit)
    _check_in_force(source, on)
    if len(into) < 2:
        raise ReorganizationRefused(f"A split of {describe(source)} needs at least two new units.")
    _refuse_later_history(
        [source], on, reason="record the split of that later unit's predecessors instead."
    )
    codes = [spec.code.strip() for spec in into if spec.code.strip()]
    if len(set(codes)) != len(codes):
        raise ReorganizationRefused("Two new units of the split have the same code.")
    children = _children_in_force_after([source], on)
    assigned = _split_assignment(source, into, children, on)
    records = _split_records(source, into, on)

    recorder = _Recorder(on, act, user, actor)
    recorder.close([source])
    for record in records:
        record.save()
    event = recorder.event(EventKind.SPLIT)
    recorder.link(event, [(source, record, True) for record in records])
    move, moved = recorder.move_descendants(
        {child_id: records[index] for child_id, index in assigned.items()},
        children,
        f"chia tách {source.name}",
    )
    return RecordedEvent(event=event, units=records, move_event=move, moved=moved)


def _record_change(
    *,
    unit: AdminUnit,
    event_kind: EventKind,
    on: date,
    act: LegalAct,
    user: Any,
    actor: Actor | None = None,
    **changes: Any,
) -> RecordedEvent:
    """Close one unit and open its continuation with some fields changed (rename, move)."""
    old = _fresh(unit)
    _check_in_force(old, on)
    record = _continue_record(old, on, **changes)
    parent = AdminUnit.objects.filter(pk=record.parent_id).first() if record.parent_id else None
    _check_parent(parent, old.level, on, what=describe(old))
    _check_code_free(record.code, old.level, on, closing=[old.pk])
    children = _children_in_force_after([old], on)
    recorder = _Recorder(on, act, user, actor)
    recorder.close([old])
    record.save()
    event = recorder.event(event_kind)
    recorder.link(event, [(old, record, False)])
    recorder.repoint_later({old.pk: record})
    what = "đổi tên" if event_kind is EventKind.RENAME else "chuyển"
    move, moved = recorder.move_descendants({old.pk: record}, children, f"{what} {old.name}")
    return RecordedEvent(event=event, units=[record], move_event=move, moved=moved)


@transaction.atomic
def record_rename(
    *,
    unit: AdminUnit,
    name: str,
    effective_date: date,
    short_name: str = "",
    kind: str = "",
    code: str = "",
    legal_act_number: str = "",
    legal_act_date: date | None = None,
    issuer: str = "",
    note: str = "",
    confidence: str = ConfidenceChoices.VERIFIED,
    user: Any = None,
    actor: Actor | None = None,
) -> RecordedEvent:
    """Rename a unit (or change its kind, e.g. xã -> phường); the code stays unless given."""
    act = _act(legal_act_number, legal_act_date, issuer, note, confidence)
    old = _fresh(unit)
    name, kind, code = name.strip(), kind or old.kind, code.strip() or old.code
    if not name:
        raise ReorganizationRefused(f"The new name of {describe(old)} is empty.")
    _check_kind(kind, old.level, what=describe(old))
    if (name, kind, code) == (old.name, old.kind, old.code):
        raise ReorganizationRefused(
            f"{describe(old)} already has this name, kind and code: nothing to rename."
        )
    return _record_change(
        unit=old,
        event_kind=EventKind.RENAME,
        on=effective_date,
        act=act,
        user=user,
        actor=actor,
        name=name,
        short_name=short_name.strip() or default_short_name(name),
        kind=kind,
        code=code,
    )


@transaction.atomic
def record_move(
    *,
    unit: AdminUnit,
    new_parent: AdminUnit,
    effective_date: date,
    code: str = "",
    legal_act_number: str = "",
    legal_act_date: date | None = None,
    issuer: str = "",
    note: str = "",
    confidence: str = ConfidenceChoices.VERIFIED,
    user: Any = None,
    actor: Actor | None = None,
) -> RecordedEvent:
    """Move a unit under another parent; its descendants follow; the code stays unless given."""
    act = _act(legal_act_number, legal_act_date, issuer, note, confidence)
    old = _fresh(unit)
    parent = _fresh(new_parent)
    if old.parent_id == parent.pk:
        raise ReorganizationRefused(f"{describe(old)} is already under {parent.name}.")
    return _record_change(
        unit=old,
        event_kind=EventKind.MOVE,
        on=effective_date,
        act=act,
        user=user,
        actor=actor,
        parent_id=parent.pk,
        code=code.strip() or old.code,
    )


@transaction.atomic
def record_earlier_history(
    *,
    kind: EventKind | str,
    effective_date: date,
    predecessors: Sequence[AdminUnit],
    successors: Sequence[AdminUnit],
    successors_begin: bool = True,
    legal_act_number: str = "",
    legal_act_date: date | None = None,
    issuer: str = "",
    note: str = "",
    confidence: str = ConfidenceChoices.VERIFIED,
    source_key: str = "",
    user: Any = None,
    actor: Actor | None = None,
) -> ReorganizationEvent:
    """Link units that ended on a date to units already in the list that follow them.

    The package lists units as they were just before 2025; what came before (a commune
    that later merged, a district absorbed by its neighbour) is added as historical units
    ending on ``effective_date``, then tied to the listed units by this event. When
    ``successors_begin`` the successors start on that date (their start was unknown);
    otherwise they absorbed the predecessors and simply continue. Re-running with the
    same ``source_key`` returns the event already recorded.
    """
    kind = EventKind(kind)
    if source_key:
        existing = ReorganizationEvent.objects.filter(
            source=SourceChoices.EVENT, source_key=source_key
        ).first()
        if existing is not None:
            return existing
    act = _act(legal_act_number, legal_act_date, issuer, note, confidence)
    olds = [_fresh(u) for u in predecessors]
    news = [_fresh(u) for u in successors]
    if not olds or not news:
        raise ReorganizationRefused("An earlier history needs predecessors and successors.")
    for old in olds:
        if old.valid_to != effective_date:
            raise ReorganizationRefused(
                f"{describe(old)} must end on {effective_date.isoformat()} to precede this event."
            )
    for new in news:
        if successors_begin:
            if new.valid_from not in (None, effective_date):
                raise ReorganizationRefused(
                    f"{describe(new)} begins on {new.valid_from}, not {effective_date}."
                )
            if new.valid_to is not None and new.valid_to <= effective_date:
                raise ReorganizationRefused(f"{describe(new)} ends before the event.")
        else:
            _check_in_force(new, effective_date)
    if successors_begin:
        AdminUnit.objects.filter(pk__in=[n.pk for n in news], valid_from__isnull=True).update(
            valid_from=effective_date, updated_at=timezone.now()
        )
    recorder = _Recorder(effective_date, act, user, actor)
    event = recorder.event(kind)
    if source_key:
        event.source_key = source_key
        event.save(update_fields=["source_key"])
    partial = len(news) > 1
    recorder.link(event, [(old, new, partial) for old in olds for new in news])
    return event
