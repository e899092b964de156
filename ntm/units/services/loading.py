"""``load_package_units``: both eras' units and the 2025 reform events from the package."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ntm.core import hierarchy
from ntm.core.hierarchy import REFORM_2025, Era, EventKind, Level
from ntm.units import package
from ntm.units.models import (
    AdminUnit,
    ConfidenceChoices,
    ReorganizationEvent,
    SourceChoices,
    Succession,
)
from ntm.units.services.common import (
    BATCH_SIZE,
    COMMUNE_ISSUER,
    PROVINCE_ACT,
    REGIONS_FILE,
    USER_REGION_SOURCE,
)
from ntm.units.services.regions import ProvinceRegion, load_province_regions

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
