"""Reorganizations of 2019-2024 that the unit package does not hold (data/history.yaml).

The package lists units as they stood just before the 2025 reform. The seed reports of
2020-2021 speak of units that have since changed: Hương Sơn had 23 communes, not 22;
Lộc Hà was a district; Đông Văn and Đông Yên belonged to huyện Đông Sơn. Each event of
the data file becomes historical units (ending on the event's date) tied by a recorded
event to the units the package lists. Nothing is invented: a unit is added only where the
reference names it, and an event whose date was not seen keeps its "unverified" mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ntm.core.hierarchy import REFORM_2025, EventKind, search_key
from ntm.units import services
from ntm.units.models import AdminUnit, KindChoices

HISTORY_FILE = Path(__file__).with_name("data") / "history.yaml"

KINDS = {
    "xã": KindChoices.COMMUNE,
    "thị trấn": KindChoices.TOWNSHIP,
    "phường": KindChoices.WARD,
    "huyện": KindChoices.RURAL_DISTRICT,
    "thị xã": KindChoices.DISTRICT_TOWN,
    "thành phố": KindChoices.PROVINCIAL_CITY,
}
PREFIX = {
    KindChoices.COMMUNE: "Xã",
    KindChoices.TOWNSHIP: "Thị trấn",
    KindChoices.WARD: "Phường",
    KindChoices.RURAL_DISTRICT: "Huyện",
    KindChoices.DISTRICT_TOWN: "Thị xã",
    KindChoices.PROVINCIAL_CITY: "Thành phố",
}


class HistoryDataError(ValueError):
    """The history file names a unit that cannot be found: file, event and reason."""


@dataclass
class HistoryReport:
    events: int = 0
    already: int = 0
    units_added: list[str] = field(default_factory=list)


def _before_reform(queryset):
    return queryset.filter(valid_from__lt=REFORM_2025) | queryset.filter(valid_from__isnull=True)


class _Finder:
    """Finds listed and historical units by the names the reference uses."""

    def __init__(self, event_id: str):
        self.event_id = event_id

    def fail(self, why: str) -> HistoryDataError:
        return HistoryDataError(f"{HISTORY_FILE.name}, event {self.event_id}: {why}")

    def province(self, name: str) -> AdminUnit:
        wanted = search_key(name.removeprefix("tỉnh ").removeprefix("thành phố "))
        for unit in _before_reform(AdminUnit.objects.filter(level="province")):
            if search_key(unit.short_name) == wanted:
                return unit
        raise self.fail(f"no province {name!r} before 2025")

    def child(self, parent: AdminUnit, name: str, kind: str | None, *, on: date) -> AdminUnit:
        """The child of `parent` with this name in force the day before `on`."""
        wanted = search_key(name)
        rows = [
            u
            for u in parent.children.all()
            if search_key(u.short_name) == wanted
            and (kind is None or u.kind == kind)
            and (u.valid_from is None or u.valid_from < on)
            and (u.valid_to is None or u.valid_to >= on)
        ]
        if len(rows) != 1:
            raise self.fail(f"{len(rows)} units named {name!r} under {parent.name} on {on}")
        return rows[0]

    def parent_chain(self, text: str, *, on: date) -> AdminUnit:
        """'huyện Thạch Hà, tỉnh Hà Tĩnh' -> the district record in force just before `on`."""
        parts = [p.strip() for p in text.split(",")]
        unit = self.province(parts[-1])
        for part in reversed(parts[:-1]):
            kind_word, _, name = _split_kind(part)
            unit = self.child(unit, name, KINDS.get(kind_word), on=on)
        return unit


def _split_kind(text: str) -> tuple[str, str, str]:
    for word in sorted(KINDS, key=len, reverse=True):
        if text.lower().startswith(word + " "):
            return word, " ", text[len(word) + 1 :]
    return "", "", text


def _event_date(event: dict[str, Any]) -> tuple[date, str]:
    if event.get("date_effective"):
        return date.fromisoformat(str(event["date_effective"])), event["confidence"]
    return date.fromisoformat(str(event["date_assumed"])), "unverified"


def _historical(
    name: str, kind: str, parent: AdminUnit | None, ends: date, like: AdminUnit | None
) -> tuple[AdminUnit, bool]:
    full = f"{PREFIX[KindChoices(kind)]} {name}"
    existing = AdminUnit.objects.filter(
        name=full, parent=parent, valid_to=ends, source="user"
    ).first()
    if existing is not None:
        return existing, False
    unit = services.add_historical_unit(
        name=full,
        kind=kind,
        short_name=name,
        valid_from=None,
        valid_to=ends,
        parent=parent,
        latitude=like.latitude if like else None,
        longitude=like.longitude if like else None,
    )
    return unit, True


def _act(event: dict[str, Any]) -> dict[str, Any]:
    act = event.get("legal_act") or {}
    note = event.get("note") or ""
    if event.get("date_assumed_note"):
        note = f"{event['date_assumed_note']} {note}".strip()
    return {
        "legal_act_number": act.get("number") or "",
        "legal_act_date": date.fromisoformat(str(act["date"])) if act.get("date") else None,
        "issuer": act.get("issuer") or "",
        "note": note,
    }


def _record(report: HistoryReport, key: str, **event: Any) -> None:
    """One earlier event through the units service, counted as new or already there."""
    before = services.ReorganizationEvent.objects.filter(source_key=key).exists()
    services.record_earlier_history(source_key=key, **event)
    report.already += before
    report.events += not before


def _absorbed_district(
    event: dict[str, Any], finder: _Finder, on: date, common: dict[str, Any], report: HistoryReport
) -> None:
    """A district absorbed by a neighbour that keeps its name."""
    target = event["to"][0]
    province = finder.province(target["parent"])
    absorbing = finder.child(province, target["name"], KINDS[target["type"]], on=on)
    for source in event["from"]:
        if source["name"] == target["name"]:
            continue
        old, added = _historical(source["name"], KINDS[source["type"]], province, on, absorbing)
        if added:
            report.units_added.append(old.name)
        _record(
            report, f"history:{event['id']}", kind=EventKind.MERGE, predecessors=[old],
            successors=[absorbing], successors_begin=False, **common,
        )  # fmt: skip


def _merged_communes(
    event: dict[str, Any], finder: _Finder, on: date, common: dict[str, Any], report: HistoryReport
) -> None:
    """Communes merged into a commune the package lists."""
    target = event["to"][0]
    district = finder.parent_chain(target["parent"], on=REFORM_2025)
    new = finder.child(district, target["name"], KINDS[target["type"]], on=REFORM_2025)
    olds = []
    for source in event["from"]:
        old, added = _historical(source["name"], KINDS[source["type"]], district, on, None)
        if added:
            report.units_added.append(old.name)
        olds.append(old)
    _record(
        report, f"history:{event['id']}", kind=EventKind.MERGE, predecessors=olds,
        successors=[new], **common,
    )  # fmt: skip


def _moved_or_renamed(
    event: dict[str, Any], finder: _Finder, on: date, common: dict[str, Any], report: HistoryReport
) -> None:
    """Pairwise: the unit under its old parent, then under the new one."""
    sources, targets = event["from"], event["to"]
    if len(sources) != len(targets):
        raise finder.fail("a move or rename pairs each 'from' with one 'to'")
    for index, (source, target) in enumerate(zip(sources, targets, strict=True)):
        old_parent = finder.parent_chain(source["parent"], on=on)
        new_parent = finder.parent_chain(target["parent"], on=REFORM_2025)
        new = finder.child(new_parent, target["name"], KINDS[target["type"]], on=REFORM_2025)
        old, added = _historical(source["name"], KINDS[source["type"]], old_parent, on, new)
        if added:
            report.units_added.append(old.name)
        _record(
            report, f"history:{event['id']}#{index}",
            kind=EventKind.MOVE if event["kind"] == "move" else EventKind.RENAME,
            predecessors=[old], successors=[new], **common,
        )  # fmt: skip
        if not old.code and new.code:
            # The code passes to the old record once the new one starts on `on`. A fix-up of
            # reference data, not a user's edit: the historical unit is reference data the
            # package lacks (``add_historical_unit`` writes no audit entry, as the package
            # loader writes none), and it can take the code only now, once
            # ``record_earlier_history`` has started the listed unit on `on` (before, the
            # two records would overlap and ``add_historical_unit`` refuses the code). No
            # units service changes a unit's code.
            AdminUnit.objects.filter(pk=old.pk).update(code=new.code)


@transaction.atomic
def load_history(path: Path = HISTORY_FILE) -> HistoryReport:
    """Record every event of the file; re-running changes nothing."""
    report = HistoryReport()
    for event in yaml.safe_load(path.read_text(encoding="utf-8")):
        finder = _Finder(event["id"])
        on, confidence = _event_date(event)
        common = {**_act(event), "confidence": confidence, "effective_date": on}
        kind = event["kind"]
        if kind == "merge" and event["to"][0]["level"] == "district":
            _absorbed_district(event, finder, on, common, report)
        elif kind == "merge":
            _merged_communes(event, finder, on, common, report)
        elif kind in ("move", "rename"):
            _moved_or_renamed(event, finder, on, common, report)
        else:
            raise finder.fail(f"unsupported kind {kind!r}")
    return report
