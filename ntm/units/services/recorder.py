"""What a recorded event is made of: specs, checks, and the recorder that closes records,
opens their continuations, moves the descendants and audits each event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ntm.audit.services import Actor, Change, record_change
from ntm.core import hierarchy
from ntm.core.hierarchy import LEVEL_DEPTH, EventKind, Level
from ntm.units.models import (
    KIND_LEVEL,
    AdminUnit,
    ConfidenceChoices,
    KindChoices,
    ReorganizationEvent,
    SourceChoices,
    Succession,
)
from ntm.units.services.common import AUDIT_LISTED, ReorganizationRefused, _vi, describe

# --------------------------------------------------------------------------- manual events


@dataclass(frozen=True)
class UnitSpec:
    """A new unit opened by a merge or a split.

    ``children``: for a split, the ids of the split unit's children that go to this unit.
    ``parent``: defaults to the parent of the unit(s) it comes from.
    """

    name: str
    kind: str
    code: str = ""
    short_name: str = ""
    parent: AdminUnit | None = None
    children: tuple[int, ...] = ()
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class RecordedEvent:
    """An event recorded: the main event, the records it opened, and the descendants moved."""

    event: ReorganizationEvent
    units: list[AdminUnit]
    move_event: ReorganizationEvent | None = None
    moved: list[AdminUnit] = field(default_factory=list)


@dataclass(frozen=True)
class LegalAct:
    """The act behind an event and how sure the record is."""

    number: str = ""
    issued_on: date | None = None
    issuer: str = ""
    note: str = ""
    confidence: str = ConfidenceChoices.VERIFIED


def _check_in_force(unit: AdminUnit, on: date) -> None:
    if not unit.to_domain().is_active(on):
        raise ReorganizationRefused(
            f"{describe(unit)} is not in force on {on.isoformat()}, so it cannot take part "
            "in an event of that date."
        )
    if unit.valid_from == on:
        raise ReorganizationRefused(
            f"{describe(unit)} only begins on {on.isoformat()}; an event of the same day "
            "cannot end it."
        )


def _check_kind(kind: str, level: str, *, what: str) -> None:
    if kind not in KindChoices.values:
        raise ReorganizationRefused(f"{what}: unknown kind {kind!r}.")
    if KIND_LEVEL[KindChoices(kind)].value != level:
        raise ReorganizationRefused(
            f"{what}: kind {kind!r} is a {KIND_LEVEL[KindChoices(kind)].value}-level kind, "
            f"not {level}."
        )


def _check_parent(parent: AdminUnit | None, level: str, on: date, *, what: str) -> None:
    if Level(level) is Level.PROVINCE:
        if parent is not None:
            raise ReorganizationRefused(f"{what}: a province has no parent unit.")
        return
    if parent is None:
        raise ReorganizationRefused(f"{what}: a {level} needs a parent unit.")
    if LEVEL_DEPTH[Level(parent.level)] >= LEVEL_DEPTH[Level(level)]:
        raise ReorganizationRefused(
            f"{what}: {describe(parent)} cannot be the parent of a {level}."
        )
    if not parent.to_domain().is_active(on):
        raise ReorganizationRefused(
            f"{what}: the parent {describe(parent)} is not in force on {on.isoformat()}."
        )


def _check_code_free(code: str, level: str, on: date, *, closing: Iterable[int]) -> None:
    if not code:
        return
    clash = (
        AdminUnit.objects.filter(code=code, level=level)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .exclude(pk__in=list(closing))
        .first()
    )
    if clash is not None:
        raise ReorganizationRefused(
            f"The code {code!r} is already used on {on.isoformat()} by {describe(clash)}."
        )


def _check_confidence(confidence: str) -> None:
    if confidence not in ConfidenceChoices.values:
        raise ReorganizationRefused(
            f"Unknown confidence {confidence!r}; use one of {', '.join(ConfidenceChoices.values)}."
        )


def _children_in_force_after(units: Iterable[AdminUnit], on: date) -> list[AdminUnit]:
    """Children still there on or after the date: they must follow their parent."""
    return list(
        AdminUnit.objects.filter(parent__in=list(units))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("level", "name", "id")
    )


def _continue_record(old: AdminUnit, on: date, **changes: Any) -> AdminUnit:
    """An unsaved record continuing ``old`` from the date (same fields unless changed)."""
    new = AdminUnit(
        code=old.code,
        name=old.name,
        short_name=old.short_name,
        kind=old.kind,
        level=old.level,
        parent_id=old.parent_id,
        valid_from=on,
        valid_to=old.valid_to,
        latitude=old.latitude,
        longitude=old.longitude,
        region=old.region,
        region_source=old.region_source,
        commune_group=old.commune_group,
        source=SourceChoices.EVENT,
    )
    for name, value in changes.items():
        setattr(new, name, value)
    new.search_name = hierarchy.search_key(new.name)
    return new


def _refuse_later_history(units: Iterable[AdminUnit], on: date, *, reason: str) -> None:
    later = (
        Succession.objects.filter(predecessor__in=list(units), event__effective_date__gt=on)
        .select_related("predecessor", "successor", "event")
        .first()
    )
    if later is not None:
        raise ReorganizationRefused(
            f"{describe(later.predecessor)} already leads to {later.successor.name} by an "
            f"event of {later.event.effective_date.isoformat()}; {reason}"
        )


def _listed(units: Iterable[AdminUnit]) -> dict[str, Any]:
    """Units for the audit trail: the first ones by id, name and code, and how many."""
    units = list({u.pk: u for u in units}.values())
    shown = [{"id": u.pk, "name": u.name, "code": u.code} for u in units[:AUDIT_LISTED]]
    return {"count": len(units), "units": shown}


def _audit_event(
    actor: Actor, event: ReorganizationEvent, links: Sequence[tuple[AdminUnit, AdminUnit, bool]]
) -> None:
    """One entry per event, filed under the first unit it leads to (so its office sees it)."""
    olds = [old for old, _new, _partial in links]
    news = [new for _old, new, _partial in links]
    if not news:
        return
    first = news[0]
    names = ", ".join(u.name for u in list({u.pk: u for u in olds}.values())[:5])
    record_change(
        actor,
        Change(
            action=f"unit.{event.kind}",
            obj=event,
            unit_id=first.pk,
            unit_label=first.name,
            summary=f"{_vi(event.get_kind_display)} {event.effective_date:%d/%m/%Y}: {names}"
            + (f" → {first.name}" if len({u.pk for u in news}) == 1 else ""),
            old=_listed(olds),
            new={**_listed(news), "legal_act": event.legal_act_number or None},
        ),
    )


class _Recorder:
    """Closes records, opens their continuations and moves the descendants, in one go."""

    def __init__(self, on: date, act: LegalAct, user: Any, actor: Actor | None = None) -> None:
        self.on = on
        self.act = act
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.actor = actor or Actor(user=self.user, channel="system")
        self.now = timezone.now()

    def event(self, kind: EventKind, note: str = "") -> ReorganizationEvent:
        return ReorganizationEvent.objects.create(
            kind=kind,
            effective_date=self.on,
            legal_act_number=self.act.number,
            legal_act_date=self.act.issued_on,
            issuer=self.act.issuer,
            confidence=self.act.confidence,
            note=note or self.act.note,
            source=SourceChoices.EVENT,
            recorded_by=self.user,
        )

    def close(self, units: Iterable[AdminUnit]) -> None:
        ids = [u.pk for u in units]
        AdminUnit.objects.filter(pk__in=ids).update(valid_to=self.on, updated_at=self.now)

    def link(
        self, event: ReorganizationEvent, links: Iterable[tuple[AdminUnit, AdminUnit, bool]]
    ) -> None:
        links = list(links)
        Succession.objects.bulk_create(
            Succession(event=event, predecessor=old, successor=new, is_partial=is_partial)
            for old, new, is_partial in links
        )
        _audit_event(self.actor, event, links)

    def repoint_later(self, continuation: Mapping[int, AdminUnit]) -> None:
        """Later events of a closed record now start from the record that continues it."""
        later = list(
            Succession.objects.filter(
                predecessor_id__in=list(continuation), event__effective_date__gt=self.on
            ).order_by("id")
        )
        kept: dict[tuple[int, int], Succession] = {}
        for link in later:
            pair = (continuation[link.predecessor_id].pk, link.successor_id)
            if pair in kept:
                # Two merged units led to the same later unit: one link, partial if either was.
                kept[pair].is_partial = kept[pair].is_partial or link.is_partial
                link.delete()
                continue
            link.predecessor_id = pair[0]
            kept[pair] = link
        for link in kept.values():
            link.save(update_fields=["predecessor", "is_partial"])

    def move_descendants(
        self, targets: Mapping[int, AdminUnit], children: Sequence[AdminUnit], why: str
    ) -> tuple[ReorganizationEvent | None, list[AdminUnit]]:
        """Children (and theirs, down to villages) get new records under the new parents.

        ``targets`` maps a closed parent's id, or a child's own id for a split, to the new
        parent record.
        """
        targets = dict(targets)
        moved: list[AdminUnit] = []
        links: list[tuple[AdminUnit, AdminUnit, bool]] = []
        continuation: dict[int, AdminUnit] = {}
        frontier = list(children)
        while frontier:
            closing, opened = [], []
            for child in frontier:
                parent = targets.get(child.pk) or targets[child.parent_id]
                if child.valid_from is not None and child.valid_from >= self.on:
                    # It only begins after the change: its whole life is under the new parent.
                    child.parent = parent
                    child.save(update_fields=["parent", "updated_at"])
                    continue
                closing.append(child)
                opened.append(_continue_record(child, self.on, parent_id=parent.pk))
            if not closing:
                break
            self.close(closing)
            AdminUnit.objects.bulk_create(opened)
            for old, new in zip(closing, opened, strict=True):
                links.append((old, new, False))
                continuation[old.pk] = new
                targets[old.pk] = new
            moved.extend(opened)
            frontier = _children_in_force_after(closing, self.on)
        if not links:
            return None, []
        note = f"Đơn vị trực thuộc chuyển theo đơn vị cấp trên ({why}). {self.act.note}"
        move = self.event(EventKind.MOVE, note=note.strip())
        self.link(move, links)
        self.repoint_later(continuation)
        return move, moved


def _act(
    legal_act_number: str,
    legal_act_date: date | None,
    issuer: str,
    note: str,
    confidence: str,
) -> LegalAct:
    _check_confidence(confidence)
    return LegalAct(legal_act_number.strip(), legal_act_date, issuer.strip(), note, confidence)
