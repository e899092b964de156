"""Sectors (lĩnh vực) and the sector conventionally responsible for each criterion.

Read from ``data/sectors.yaml``: a conventional assignment (which ministry guides which
criterion, hence which provincial department verifies it), not a legal rule, so every
province can assign a criterion to another department (``CriterionResponsibility``).
A provincial variant inherits the sectors of its base set's criteria (their keys name
the set they come from).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from ntm.core.criteria.model import CriteriaSetDef
from ntm.criteria.services import DATA_DIR, SECTORS_FILE, CriteriaDataError, read_yaml


@dataclass(frozen=True)
class Sector:
    """A sector with its names and the usual name of a province's department for it."""

    code: str
    name_vi: str
    name_en: str = ""
    department_vi: str = ""

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi


@dataclass(frozen=True)
class SectorMap:
    """Every sector, and the sector of each criterion number of each listed set."""

    sectors: dict[str, Sector]
    by_set: dict[str, dict[str, str]]
    confidence: str = "unverified"
    note: str = ""

    def choices(self) -> list[tuple[str, str]]:
        return [(code, sector.label) for code, sector in self.sectors.items()]


def read_sectors(path: Path) -> SectorMap:
    """Read and check a sectors file; a problem names the file, the place and the reason."""
    document: Any = read_yaml(path)
    name = path.name
    if not isinstance(document, dict):
        raise CriteriaDataError(name, "", "expected a mapping with `sectors` and `criteria`")
    sectors: dict[str, Sector] = {}
    rows = document.get("sectors")
    if not isinstance(rows, list) or not rows:
        raise CriteriaDataError(name, "sectors", "expected a non-empty list of sectors")
    for n, row in enumerate(rows):
        place = f"sectors[{n}]"
        if not isinstance(row, dict) or not str(row.get("code") or "").strip():
            raise CriteriaDataError(name, place, "a sector needs a `code`")
        code = str(row["code"]).strip()
        if code in sectors:
            raise CriteriaDataError(name, f"{place}.code", f"sector {code!r} is listed twice")
        if not str(row.get("name_vi") or "").strip():
            raise CriteriaDataError(name, f"{place}.name_vi", "a sector needs its Vietnamese name")
        sectors[code] = Sector(
            code=code,
            name_vi=str(row["name_vi"]).strip(),
            name_en=str(row.get("name_en") or "").strip(),
            department_vi=str(row.get("department_vi") or "").strip(),
        )
    by_set: dict[str, dict[str, str]] = {}
    criteria = document.get("criteria") or {}
    if not isinstance(criteria, dict):
        raise CriteriaDataError(name, "criteria", "expected set id -> criterion number -> sector")
    for set_id, numbers in criteria.items():
        if not isinstance(numbers, dict):
            raise CriteriaDataError(name, f"criteria.{set_id}", "expected number -> sector")
        mapped: dict[str, str] = {}
        for number, code in numbers.items():
            if str(code) not in sectors:
                raise CriteriaDataError(
                    name, f"criteria.{set_id}.{number}", f"unknown sector {code!r}"
                )
            mapped[str(number)] = str(code)
        by_set[str(set_id)] = mapped
    return SectorMap(
        sectors=sectors,
        by_set=by_set,
        confidence=str(document.get("confidence") or "unverified"),
        note=str(document.get("note") or "").strip(),
    )


@lru_cache(maxsize=1)
def sector_map() -> SectorMap:
    """The project's sectors file, read once per process."""
    return read_sectors(DATA_DIR / SECTORS_FILE)


def criterion_sectors(definition: CriteriaSetDef) -> dict[str, Sector | None]:
    """Each criterion key of a set with its conventional sector (None: no sector).

    A criterion is looked up under the set it comes from (its key's prefix), so a
    provincial variant's inherited criteria take their base set's sectors.
    """
    mapping = sector_map()
    found: dict[str, Sector | None] = {}
    for criterion in definition.criteria:
        origin = criterion.key.partition(":")[0]
        code = mapping.by_set.get(origin, {}).get(criterion.number)
        found[criterion.key] = mapping.sectors[code] if code else None
    return found


def sector(code: str) -> Sector | None:
    return sector_map().sectors.get(code)
