"""Administrative units as of a date: levels, eras, code lookup and succession.

A unit record is one unit in one shape over one period: ``valid_from`` is the first day
it existed in that shape (inclusive, ``None`` = since before any record) and
``valid_to`` the day it ceased (exclusive, ``None`` = still exists). A merge, split,
rename or move closes the old records and opens new ones, linked by successions.
Official codes are reused across eras (the 2025 Xã Kỳ Lạc has code 18838, the code of
the old Lâm Hợp), so a code alone never identifies a unit: lookups take a date or an era.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from unidecode import unidecode

#: The two-tier local government reform: 63 provinces -> 34, districts abolished
#: (Nghị quyết 202/2025/QH15 and the per-province UBTVQH resolutions).
REFORM_2025 = date(2025, 7, 1)


class Level(StrEnum):
    """Administrative level (tỉnh, huyện, xã, thôn)."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


LEVEL_DEPTH = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.VILLAGE: 3}


class Era(StrEnum):
    """Before or after the 2025 reorganization."""

    BEFORE_2025 = "before-2025"
    FROM_2025 = "from-2025"


class EventKind(StrEnum):
    """Kinds of reorganization event."""

    MERGE = "merge"
    SPLIT = "split"
    RENAME = "rename"
    MOVE = "move"
    REORGANIZE = "reorganize"  # same territory and name, new structure (e.g. 2025 provinces)
    ESTABLISH = "establish"
    DISSOLVE = "dissolve"


class HierarchyError(ValueError):
    """A lookup or reorganization that cannot be carried out, with the reason."""


class UnknownUnit(HierarchyError):
    pass


class AmbiguousUnit(HierarchyError):
    def __init__(self, message: str, candidates: Sequence[UnitRecord]):
        super().__init__(message)
        self.candidates = list(candidates)


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """One unit in one shape over one period."""

    id: int
    code: str
    name: str
    level: Level
    parent_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    def is_active(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )

    @property
    def era(self) -> Era:
        return era_of(self.valid_from, self.valid_to)


def era_of(valid_from: date | None, valid_to: date | None) -> Era:
    """The era a validity period belongs to: from 2025 if it starts on or after the reform."""
    if valid_from is not None and valid_from >= REFORM_2025:
        return Era.FROM_2025
    return Era.BEFORE_2025


def era_reference_date(era: Era) -> date:
    """A date inside the era at which the era's package snapshot is valid."""
    return REFORM_2025 if era is Era.FROM_2025 else date(2025, 6, 30)


def search_key(text: str) -> str:
    """Accent- and case-insensitive key: "Kỳ Lạc" -> "ky lac"."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(unidecode(text).lower().replace("-", " ").split())


def format_validity(unit: UnitRecord) -> str:
    start = unit.valid_from.isoformat() if unit.valid_from else "…"
    end = unit.valid_to.isoformat() if unit.valid_to else "…"
    return f"{start} – {end}"


def find_by_code(
    units: Iterable[UnitRecord],
    code: str,
    *,
    on: date | None = None,
    era: Era | None = None,
    level: Level | None = None,
) -> UnitRecord:
    """The unit with this official code on a date (or in an era).

    Without a date or era the code must be unambiguous across all records; otherwise
    AmbiguousUnit lists the candidates with their levels and validity periods.
    """
    code = code.strip()
    matches = [u for u in units if u.code == code and (level is None or u.level == level)]
    if not matches:
        raise UnknownUnit(f"No administrative unit has the code {code!r}.")
    if on is not None:
        matches = [u for u in matches if u.is_active(on)]
        if not matches:
            raise UnknownUnit(f"No administrative unit had the code {code!r} on {on.isoformat()}.")
    if era is not None:
        matches = [u for u in matches if u.era is era]
        if not matches:
            raise UnknownUnit(f"No administrative unit has the code {code!r} in the era {era}.")
    if len(matches) > 1:
        matches.sort(key=lambda u: (u.valid_from or date.min, u.level, u.id))
        listing = "; ".join(f"{u.name} ({u.level}, {format_validity(u)})" for u in matches)
        hint = "give --as-of DATE or --era" if on is None and era is None else "give --level"
        raise AmbiguousUnit(f"The code {code!r} is ambiguous: {listing}. Please {hint}.", matches)
    return matches[0]


@dataclass(frozen=True, slots=True)
class Succession:
    """One link of a reorganization event: the predecessor leads (partly) to the successor."""

    predecessor_id: int
    successor_id: int
    is_partial: bool = False


def classify_event(
    predecessor_ids: Sequence[int],
    successors_of: dict[int, set[int]],
    *,
    same_name: bool,
    same_parent: bool,
) -> EventKind:
    """Name the change that produced one new unit from its predecessors.

    Several predecessors: a merge. One predecessor that was divided among several new
    units: a split. One whole predecessor: a rename if the name or kind changed, else a
    move (only the parent changed, as for every commune when districts were abolished);
    otherwise a reorganization that kept territory, name and parent.
    """
    if len(predecessor_ids) > 1:
        return EventKind.MERGE
    (only,) = predecessor_ids
    if len(successors_of.get(only, ())) > 1:
        return EventKind.SPLIT
    if not same_name:
        return EventKind.RENAME
    if not same_parent:
        return EventKind.MOVE
    return EventKind.REORGANIZE


def successions_from_mapping(
    whole: dict[str, list[str]], divided: dict[str, list[str]]
) -> dict[str, list[tuple[str, bool]]]:
    """Predecessors of every new unit from a reform mapping.

    ``whole`` maps a new unit key to the old units it took whole; ``divided`` maps an old
    unit key to the new units its territory was divided among. Returns, for each new key,
    its predecessors as (old key, is_partial), sorted for a stable result.
    """
    result: dict[str, set[tuple[str, bool]]] = {}
    for new_key, olds in whole.items():
        for old in olds:
            result.setdefault(new_key, set()).add((old, False))
    for old, news in divided.items():
        for new_key in news:
            result.setdefault(new_key, set()).add((old, True))
    return {k: sorted(v) for k, v in sorted(result.items())}


def walk(start_id: int, links: Iterable[Succession], *, forward: bool) -> list[int]:
    """All unit ids reachable from start through successions (successors or predecessors)."""
    adjacency: dict[int, list[int]] = {}
    for link in links:
        src, dst = (
            (link.predecessor_id, link.successor_id)
            if forward
            else (link.successor_id, link.predecessor_id)
        )
        adjacency.setdefault(src, []).append(dst)
    seen: list[int] = []
    stack = list(adjacency.get(start_id, []))
    while stack:
        current = stack.pop()
        if current in seen or current == start_id:
            continue
        seen.append(current)
        stack.extend(adjacency.get(current, []))
    return seen
