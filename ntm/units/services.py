"""Write use cases for administrative units.

* ``load_package_units``: the national units of both eras and the 2025 reform events from
  the ``vietnamadminunits`` package (idempotent: a re-run changes nothing).
* ``record_merge``, ``record_split``, ``record_rename``, ``record_move``: dated
  reorganizations. The units involved are closed (``valid_to`` = effective date) and new
  records opened, linked by successions under one event; the children and further
  descendants of every closed unit get new records under the new parent, linked by a
  move event of the same date, so the hierarchy as of any date stays consistent.
* ``add_historical_unit``, ``create_village``, ``set_region``, ``set_commune_group``.

Every refusal raises ``ReorganizationRefused`` (a ``HierarchyError``) naming the unit and
the reason, before anything is written.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from ntm.audit.services import Actor, Change, record_change
from ntm.core import hierarchy
from ntm.core.hierarchy import LEVEL_DEPTH, REFORM_2025, Era, EventKind, HierarchyError, Level
from ntm.units import package
from ntm.units.models import (
    KIND_LEVEL,
    AdminUnit,
    CommuneGroupChoices,
    ConfidenceChoices,
    KindChoices,
    RegionChoices,
    ReorganizationEvent,
    SourceChoices,
    Succession,
)

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "province_regions.yaml"
USER_REGION_SOURCE = "Người dùng đặt"
REGION_SOURCE_VERIFIED = "Theo tỉnh (đã xác minh)"
REGION_SOURCE_UNVERIFIED = "Theo tỉnh (chưa xác minh)"
VILLAGE_KINDS = (
    KindChoices.VILLAGE,
    KindChoices.HAMLET,
    KindChoices.ETHNIC_VILLAGE,
    KindChoices.RESIDENTIAL_AREA,
    KindChoices.RESIDENTIAL_GROUP,
)
BATCH_SIZE = 2000
#: How many units an audit entry of a reorganization names (it always gives the count).
AUDIT_LISTED = 50

# Nghị quyết 202/2025/QH15 on the arrangement of provincial units, adopted on 12/6/2025.
PROVINCE_ACT = {
    "legal_act_number": "202/2025/QH15",
    "legal_act_date": date(2025, 6, 12),
    "issuer": "Quốc hội",
    "confidence": ConfidenceChoices.VERIFIED,
}
COMMUNE_ISSUER = "Ủy ban Thường vụ Quốc hội"


class ReorganizationRefused(HierarchyError):
    """A reorganization, village or unit change refused, with the unit and the reason."""


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True, slots=True)
class ProvinceRegion:
    """The socio-economic region of one pre-2025 province, with how sure we are."""

    code: str
    name: str
    region: str
    confidence: str

    @property
    def region_source(self) -> str:
        if self.confidence == ConfidenceChoices.VERIFIED:
            return REGION_SOURCE_VERIFIED
        return REGION_SOURCE_UNVERIFIED


def load_province_regions(path: Path = REGIONS_FILE) -> dict[str, ProvinceRegion]:
    """The province -> region file, checked: known regions and confidence marks only."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    result: dict[str, ProvinceRegion] = {}
    for code, entry in document["provinces"].items():
        if entry["region"] not in RegionChoices.values:
            raise package.PackageDataError(
                f"{path.name}: province {code} has an unknown region {entry['region']!r}."
            )
        if entry["confidence"] not in ConfidenceChoices.values:
            raise package.PackageDataError(
                f"{path.name}: province {code} has an unknown confidence mark."
            )
        result[str(code)] = ProvinceRegion(
            str(code), entry["name"], entry["region"], entry["confidence"]
        )
    return result


# --------------------------------------------------------------------------- package loader


@dataclass
class Counts:
    """How many rows a load created, updated, left unchanged (and deleted)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


def _empty_unit_counts() -> dict[str, dict[str, Counts]]:
    return {
        Era.BEFORE_2025.value: {
            level.value: Counts() for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
        },
        Era.FROM_2025.value: {level.value: Counts() for level in (Level.PROVINCE, Level.COMMUNE)},
    }


@dataclass
class LoadReport:
    """What ``load_package_units`` did, per era and level."""

    package_version: str = ""
    units: dict[str, dict[str, Counts]] = field(default_factory=_empty_unit_counts)
    events: Counts = field(default_factory=Counts)
    successions: Counts = field(default_factory=Counts)
    seconds: float = 0.0

    def totals(self) -> Counts:
        total = Counts()
        for levels in self.units.values():
            for counts in levels.values():
                total.created += counts.created
                total.updated += counts.updated
                total.unchanged += counts.unchanged
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "package_version": self.package_version,
            "units": {
                era: {level: counts.as_dict() for level, counts in levels.items()}
                for era, levels in self.units.items()
            },
            "events": self.events.as_dict(),
            "successions": self.successions.as_dict(),
            "seconds": round(self.seconds, 2),
        }

    def summary(self) -> str:
        total = self.totals()
        return (
            f"{total.created} created, {total.updated} updated, {total.unchanged} unchanged; "
            f"events {self.events.created} created, {self.events.updated} updated; "
            f"successions {self.successions.created} created, {self.successions.updated} "
            f"updated, {self.successions.deleted} deleted ({self.seconds:.1f} s)"
        )


_EVENT_FIELDS = (
    "kind",
    "effective_date",
    "legal_act_number",
    "legal_act_date",
    "issuer",
    "confidence",
    "note",
)


@transaction.atomic
def load_package_units(
    *, data: package.PackageData | None = None, regions_file: Path = REGIONS_FILE
) -> LoadReport:
    """Load both eras' units and the 2025 reform events from the package (idempotent).

    Rows are matched by ``source_key``; only rows whose fields differ are written. A region
    a user set by hand, and the end date an event recorded here gave a package unit, are
    kept.
    """
    started = time.perf_counter()
    data = data or package.read_package()
    regions = load_province_regions(regions_file)
    report = LoadReport(package_version=data.version)
    ids = _load_units(data, regions, report)
    _load_events(data, ids, report)
    report.seconds = time.perf_counter() - started
    return report


def _wanted_fields(
    unit: package.PackageUnit, ids: dict[str, int], regions: dict[str, ProvinceRegion]
) -> dict[str, Any]:
    region, region_source = "", ""
    if unit.era is Era.BEFORE_2025:
        try:
            province = regions[unit.legacy_province_code or ""]
        except KeyError:
            raise package.PackageDataError(
                f"Province {unit.legacy_province_code} of {unit.name} has no region in "
                f"{REGIONS_FILE.name}."
            ) from None
        region, region_source = province.region, province.region_source
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level.value,
        "parent_id": ids[unit.parent_key] if unit.parent_key else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
        "region": region,
        "region_source": region_source,
        "search_name": hierarchy.search_key(unit.name),
    }


def _load_units(
    data: package.PackageData, regions: dict[str, ProvinceRegion], report: LoadReport
) -> dict[str, int]:
    """Create or update the package units, parents first; returns source_key -> id."""
    existing = {u.source_key: u for u in AdminUnit.objects.filter(source=SourceChoices.PACKAGE)}
    # An event recorded here may have ended a package unit early; the package cannot know.
    closed_by_event = set(
        Succession.objects.filter(predecessor__source=SourceChoices.PACKAGE)
        .exclude(event__source=SourceChoices.PACKAGE)
        .values_list("predecessor_id", flat=True)
    )
    now = timezone.now()
    ids: dict[str, int] = {}
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdminUnit] = []
        to_update: list[AdminUnit] = []
        changed_fields: set[str] = set()
        for wanted_unit in data.by_level(level):
            counts = report.units[wanted_unit.era.value][level.value]
            wanted = _wanted_fields(wanted_unit, ids, regions)
            stored = existing.get(wanted_unit.source_key)
            if stored is None:
                to_create.append(
                    AdminUnit(
                        source=SourceChoices.PACKAGE, source_key=wanted_unit.source_key, **wanted
                    )
                )
                counts.created += 1
                continue
            ids[wanted_unit.source_key] = stored.pk
            if stored.region_source == USER_REGION_SOURCE:
                del wanted["region"], wanted["region_source"]
            if stored.pk in closed_by_event:
                del wanted["valid_to"]
            changed = [name for name, value in wanted.items() if getattr(stored, name) != value]
            if not changed:
                counts.unchanged += 1
                continue
            for name in changed:
                setattr(stored, name, wanted[name])
            stored.updated_at = now
            changed_fields.update(changed)
            to_update.append(stored)
            counts.updated += 1
        # SQLite (3.35+) and PostgreSQL return the new ids from a bulk insert.
        created = AdminUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        ids.update((unit.source_key, unit.pk) for unit in created)
        if to_update:
            AdminUnit.objects.bulk_update(
                to_update, sorted(changed_fields | {"updated_at"}), batch_size=BATCH_SIZE
            )
    return ids


def _load_events(data: package.PackageData, ids: dict[str, int], report: LoadReport) -> None:
    """One event per new province and per new commune, with its successions."""
    by_key = {unit.source_key: unit for unit in data.units}
    continuations = _continuations_before_reform()
    wanted: dict[str, tuple[dict[str, Any], dict[tuple[int, int], bool]]] = {}

    def links_of(new_key: str, predecessors: Iterable[tuple[str, bool]]) -> dict:
        links: dict[tuple[int, int], bool] = {}
        for old_key, is_partial in predecessors:
            targets = continuations.get(ids[old_key], [ids[old_key]])
            for old_id in targets:
                pair = (old_id, ids[new_key])
                links[pair] = links.get(pair, False) or is_partial or len(targets) > 1
        return links

    for new_key, old_keys in data.province_predecessors.items():
        fields = {
            "kind": EventKind.MERGE if len(old_keys) > 1 else EventKind.REORGANIZE,
            "effective_date": REFORM_2025,
            "note": (
                "Sắp xếp đơn vị hành chính cấp tỉnh theo Nghị quyết 202/2025/QH15 "
                f"(sinh từ bảng chuyển đổi của gói vietnamadminunits {data.version})."
            ),
            **PROVINCE_ACT,
        }
        wanted[new_key] = (fields, links_of(new_key, ((k, False) for k in old_keys)))

    successors_of: dict[int, set[int]] = defaultdict(set)
    for new_key, predecessors in data.commune_predecessors.items():
        for old_key, _ in predecessors:
            successors_of[ids[old_key]].add(ids[new_key])
    commune_note = (
        f"Sinh tự động từ bảng chuyển đổi của gói vietnamadminunits {data.version}; căn cứ "
        "pháp lý là nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính "
        "cấp xã của từng tỉnh (hiệu lực 01/7/2025)."
    )
    for new_key, predecessors in data.commune_predecessors.items():
        old_keys = [old for old, _ in predecessors]
        kind = hierarchy.classify_event(
            [ids[old] for old in old_keys],
            successors_of,
            same_name=len(old_keys) == 1 and by_key[old_keys[0]].name == by_key[new_key].name,
            # Old communes hung under a district, new ones under a province: never the same.
            same_parent=False,
        )
        fields = {
            "kind": kind,
            "effective_date": REFORM_2025,
            "legal_act_number": "",
            "legal_act_date": None,
            "issuer": COMMUNE_ISSUER,
            "confidence": ConfidenceChoices.PARTIAL,
            "note": commune_note,
        }
        wanted[new_key] = (fields, links_of(new_key, predecessors))
    _write_events(wanted, report)


def _write_events(
    wanted: dict[str, tuple[dict[str, Any], dict[tuple[int, int], bool]]], report: LoadReport
) -> None:
    existing = {
        e.source_key: e for e in ReorganizationEvent.objects.filter(source=SourceChoices.PACKAGE)
    }
    stale = [e.pk for key, e in existing.items() if key not in wanted]
    if stale:
        report.events.deleted = len(stale)
        Succession.objects.filter(event_id__in=stale).delete()
        ReorganizationEvent.objects.filter(pk__in=stale).delete()
    to_create, to_update = [], []
    for key, (fields, _) in wanted.items():
        event = existing.get(key)
        if event is None:
            to_create.append(
                ReorganizationEvent(source=SourceChoices.PACKAGE, source_key=key, **fields)
            )
            report.events.created += 1
        elif any(getattr(event, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(event, name, value)
            to_update.append(event)
            report.events.updated += 1
        else:
            report.events.unchanged += 1
    ReorganizationEvent.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        ReorganizationEvent.objects.bulk_update(to_update, _EVENT_FIELDS, batch_size=BATCH_SIZE)
    event_ids = dict(
        ReorganizationEvent.objects.filter(source=SourceChoices.PACKAGE).values_list(
            "source_key", "id"
        )
    )

    wanted_links = {
        (event_ids[key], old, new): is_partial
        for key, (_, links) in wanted.items()
        for (old, new), is_partial in links.items()
    }
    stored_links = {
        (event_id, old, new): (pk, is_partial)
        for pk, event_id, old, new, is_partial in Succession.objects.filter(
            event__source=SourceChoices.PACKAGE
        ).values_list("id", "event_id", "predecessor_id", "successor_id", "is_partial")
    }
    extra = [pk for key, (pk, _) in stored_links.items() if key not in wanted_links]
    if extra:
        Succession.objects.filter(pk__in=extra).delete()
        report.successions.deleted = len(extra)
    new_links, changed_links = [], []
    for key, is_partial in wanted_links.items():
        stored = stored_links.get(key)
        if stored is None:
            event_id, old, new = key
            new_links.append(
                Succession(
                    event_id=event_id, predecessor_id=old, successor_id=new, is_partial=is_partial
                )
            )
        elif stored[1] != is_partial:
            changed_links.append(Succession(pk=stored[0], is_partial=is_partial))
        else:
            report.successions.unchanged += 1
    Succession.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
    if changed_links:
        Succession.objects.bulk_update(changed_links, ["is_partial"], batch_size=BATCH_SIZE)
    report.successions.created = len(new_links)
    report.successions.updated = len(changed_links)


def _continuations_before_reform() -> dict[int, list[int]]:
    """Package units ended early by a recorded event -> the records that continue them.

    The 2025 mapping names the units of 30/6/2025; when an event recorded here closed a
    package unit before that day (a merge into it, its district renamed...), the 2025
    successions start from the record(s) in force on that day instead.
    """
    links = list(
        Succession.objects.exclude(event__source=SourceChoices.PACKAGE).values_list(
            "predecessor_id", "successor_id"
        )
    )
    if not links:
        return {}
    forward: dict[int, list[int]] = defaultdict(list)
    for old, new in links:
        forward[old].append(new)
    involved = {i for pair in links for i in pair}
    records = {
        pk: (level, valid_from, valid_to, source)
        for pk, level, valid_from, valid_to, source in AdminUnit.objects.filter(
            pk__in=involved
        ).values_list("id", "level", "valid_from", "valid_to", "source")
    }
    last_day = hierarchy.era_reference_date(Era.BEFORE_2025)
    result: dict[int, list[int]] = {}
    for start, (level, _, valid_to, source) in records.items():
        if source != SourceChoices.PACKAGE or valid_to is None or valid_to > last_day:
            continue
        found, seen, stack = [], {start}, [start]
        while stack:
            for nxt in forward.get(stack.pop(), []):
                if nxt in seen:
                    continue
                seen.add(nxt)
                nxt_level, valid_from, nxt_to, _ = records[nxt]
                active = (valid_from is None or valid_from <= last_day) and (
                    nxt_to is None or last_day < nxt_to
                )
                if active and nxt_level == level:
                    found.append(nxt)
                else:
                    stack.append(nxt)
        if found:
            result[start] = sorted(found)
    return result


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


def describe(unit: AdminUnit) -> str:
    """ "Xã Kỳ Lạc (18850, commune, … – 2025-07-01)", for messages."""
    validity = hierarchy.format_validity(unit.to_domain())
    return f"{unit.name} ({unit.code or 'no code'}, {unit.level}, {validity})"


_KIND_PREFIXES = sorted(
    {str(label) for label in KindChoices.labels} | {"Thành phố", "Tỉnh"}, key=len, reverse=True
)


def default_short_name(name: str) -> str:
    """ "Xã Kỳ Lạc" -> "Kỳ Lạc": the name without its unit type."""
    for prefix in _KIND_PREFIXES:
        if name.startswith(prefix + " ") and len(name) > len(prefix) + 1:
            return name[len(prefix) + 1 :].strip()
    return name.strip()


def _fresh(unit: AdminUnit | int) -> AdminUnit:
    pk = unit if isinstance(unit, int) else unit.pk
    try:
        return AdminUnit.objects.select_for_update().get(pk=pk)
    except AdminUnit.DoesNotExist:
        raise ReorganizationRefused(f"There is no administrative unit with id {pk}.") from None


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


def _vi(label: Any) -> str:
    """A choice label in Vietnamese, the language of the audit trail's summaries."""
    with translation.override("vi"):
        return str(label())


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

    if absorbing is not None:
        record = _continue_record(absorbing, on)
    else:
        assert new_unit is not None
        what = f"New unit {new_unit.name!r}"
        if new_unit.children:
            raise ReorganizationRefused(
                f"{what}: children are assigned in a split only; in a merge they all follow."
            )
        _check_kind(new_unit.kind, level, what=what)
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
