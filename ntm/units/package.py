"""Reading the `vietnamadminunits` package data: both eras' units and the 2025 mapping.

The package ships an SQLite dataset (``admin_units_legacy``: the state just before
1 July 2025, one row per commune; ``admin_units``: the 2025 two-tier structure) and
``converter_2025.json``, the mapping from old communes to new ones. This module only
reads them into plain values; ``services.load_package_units`` writes them to the database.
It is read where the package is installed, never copied into the repository.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata, resources
from pathlib import Path

from ntm.core import hierarchy
from ntm.core.hierarchy import REFORM_2025, Era, Level

PACKAGE = "vietnamadminunits"

DISTRICT_KINDS = {
    "Quận": "urban_district",
    "Huyện": "rural_district",
    "Thị xã": "district_town",
    "Thành phố": "provincial_city",
}
LEGACY_COMMUNE_KINDS = {"Xã": "commune", "Phường": "ward", "Thị trấn": "township"}
COMMUNE_KINDS_2025 = {"Xã": "commune", "Phường": "ward", "Đặc khu": "special_zone"}

# "Kỳ Anh (Huyện)": the package disambiguates equal short names with the unit type.
_TRAILING_KIND = re.compile(r"\s*\((?:Huyện|Quận|Thị xã|Thành phố|Xã|Phường|Thị trấn)\)$")


class PackageDataError(ValueError):
    """The package data breaks an assumption the loader relies on."""


@dataclass(frozen=True, slots=True)
class PackageUnit:
    """One unit as the package describes it."""

    source_key: str
    code: str
    name: str
    short_name: str
    kind: str
    level: Level
    era: Era
    parent_key: str | None
    latitude: float | None
    longitude: float | None
    #: Official code of the pre-2025 province the unit lies in (regions are per old province).
    legacy_province_code: str | None = None

    @property
    def valid_from(self) -> date | None:
        return REFORM_2025 if self.era is Era.FROM_2025 else None

    @property
    def valid_to(self) -> date | None:
        return REFORM_2025 if self.era is Era.BEFORE_2025 else None


@dataclass(frozen=True, slots=True)
class PackageData:
    """Both eras' units (parents before children) and the 2025 successions between them."""

    version: str
    units: list[PackageUnit]
    #: new province source key -> old province source keys (taken whole)
    province_predecessors: dict[str, list[str]]
    #: new commune source key -> [(old commune or island district source key, is_partial)]
    commune_predecessors: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    def by_level(self, level: Level) -> Iterator[PackageUnit]:
        return (u for u in self.units if u.level is level)


def data_dir() -> Path:
    """The installed package's data folder."""
    return Path(str(resources.files(PACKAGE) / "data"))


def package_version() -> str:
    return metadata.version(PACKAGE)


def source_key(era: Era, level: Level, code: str) -> str:
    """The stable key of a package unit: "before-2025:commune:18850"."""
    return f"{era.value}:{level.value}:{code}"


def short_name(text: str) -> str:
    """The package's short name without its disambiguating kind: "Kỳ Anh (Huyện)" -> "Kỳ Anh"."""
    return _TRAILING_KIND.sub("", text or "").strip()


def province_kind(name: str) -> str:
    return "central_city" if name.startswith("Thành phố") else "province"


def read_package(directory: Path | None = None) -> PackageData:
    """Read both eras and the 2025 mapping, checking that every unit is mapped."""
    directory = directory or data_dir()
    with closing(sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        legacy = db.execute(
            "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        current = db.execute("SELECT * FROM admin_units ORDER BY provinceCode, wardCode").fetchall()
    mapping = json.loads((directory / "converter_2025.json").read_text(encoding="utf-8"))

    units, old_keys, old_provinces = _legacy_units(legacy)
    new_units, new_keys, new_provinces = _current_units(current)
    units.extend(new_units)
    units.sort(key=lambda u: hierarchy.LEVEL_DEPTH[u.level])

    province_predecessors = {}
    for new_key, olds in mapping["DICT_PROVINCE"].items():
        try:
            province_predecessors[new_provinces[new_key]] = [old_provinces[o] for o in olds]
        except KeyError as error:
            raise PackageDataError(f"Province key {error} of the mapping is unknown.") from None
    commune_predecessors = _commune_mapping(mapping, old_keys, new_keys)
    _check_complete(old_keys, new_keys, commune_predecessors)
    return PackageData(
        version=package_version(),
        units=units,
        province_predecessors=province_predecessors,
        commune_predecessors=commune_predecessors,
    )


def _legacy_units(
    rows: list[sqlite3.Row],
) -> tuple[list[PackageUnit], dict[str, str], dict[str, str]]:
    """Units before 2025 and the mapping keys "<province>_<district>_<ward>" -> source key."""
    era = Era.BEFORE_2025
    units: dict[str, PackageUnit] = {}
    mapping_keys: dict[str, str] = {}
    province_keys: dict[str, str] = {}
    for row in rows:
        pcode, dcode = row["provinceCode"], row["districtCode"]
        province = source_key(era, Level.PROVINCE, pcode)
        district = source_key(era, Level.DISTRICT, dcode)
        province_keys[row["provinceKey"]] = province
        if province not in units:
            units[province] = PackageUnit(
                source_key=province,
                code=pcode,
                name=row["province"],
                short_name=short_name(row["provinceShort"]),
                kind=province_kind(row["province"]),
                level=Level.PROVINCE,
                era=era,
                parent_key=None,
                latitude=row["provinceLat"],
                longitude=row["provinceLon"],
                legacy_province_code=pcode,
            )
        if district not in units:
            units[district] = PackageUnit(
                source_key=district,
                code=dcode,
                name=row["district"],
                short_name=short_name(row["districtShort"]),
                kind=_kind(DISTRICT_KINDS, row["districtType"], row["district"]),
                level=Level.DISTRICT,
                era=era,
                parent_key=province,
                latitude=row["districtLat"],
                longitude=row["districtLon"],
                legacy_province_code=pcode,
            )
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if not row["wardCode"]:
            # The island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no
            # commune: the district itself is the predecessor of the 2025 special zone.
            mapping_keys[old_key] = district
            continue
        commune = source_key(era, Level.COMMUNE, row["wardCode"])
        if commune in units:
            raise PackageDataError(f"Commune code {row['wardCode']} appears twice.")
        units[commune] = PackageUnit(
            source_key=commune,
            code=row["wardCode"],
            name=row["ward"],
            short_name=short_name(row["wardShort"]),
            kind=_kind(LEGACY_COMMUNE_KINDS, row["wardType"], row["ward"]),
            level=Level.COMMUNE,
            era=era,
            parent_key=district,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
            legacy_province_code=pcode,
        )
        mapping_keys[old_key] = commune
    return list(units.values()), mapping_keys, province_keys


def _current_units(
    rows: list[sqlite3.Row],
) -> tuple[list[PackageUnit], dict[tuple[str, str], str], dict[str, str]]:
    """Units from 2025 and the mapping keys (provinceKey, wardKey) -> source key."""
    era = Era.FROM_2025
    units: dict[str, PackageUnit] = {}
    mapping_keys: dict[tuple[str, str], str] = {}
    province_keys: dict[str, str] = {}
    for row in rows:
        pcode = row["provinceCode"]
        province = source_key(era, Level.PROVINCE, pcode)
        province_keys[row["provinceKey"]] = province
        if province not in units:
            units[province] = PackageUnit(
                source_key=province,
                code=pcode,
                name=row["province"],
                short_name=short_name(row["provinceShort"]),
                kind=province_kind(row["province"]),
                level=Level.PROVINCE,
                era=era,
                parent_key=None,
                latitude=row["provinceLat"],
                longitude=row["provinceLon"],
            )
        commune = source_key(era, Level.COMMUNE, row["wardCode"])
        if commune in units:
            raise PackageDataError(f"Commune code {row['wardCode']} appears twice (2025).")
        units[commune] = PackageUnit(
            source_key=commune,
            code=row["wardCode"],
            name=row["ward"],
            short_name=short_name(row["wardShort"]),
            kind=_kind(COMMUNE_KINDS_2025, row["wardType"], row["ward"]),
            level=Level.COMMUNE,
            era=era,
            parent_key=province,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
        )
        mapping_keys[(row["provinceKey"], row["wardKey"])] = commune
    return list(units.values()), mapping_keys, province_keys


def _kind(kinds: dict[str, str], package_type: str | None, name: str) -> str:
    try:
        return kinds[package_type or ""]
    except KeyError:
        raise PackageDataError(f"Unknown unit type {package_type!r} for {name}.") from None


def _commune_mapping(
    mapping: dict,
    old_keys: dict[str, str],
    new_keys: dict[tuple[str, str], str],
) -> dict[str, list[tuple[str, bool]]]:
    def old(key: str) -> str:
        try:
            return old_keys[key]
        except KeyError:
            raise PackageDataError(f"Old unit {key!r} of the mapping is unknown.") from None

    def new(province_key: str, ward_key: str) -> str:
        try:
            return new_keys[(province_key, ward_key)]
        except KeyError:
            raise PackageDataError(
                f"New unit {province_key}/{ward_key} of the mapping is unknown."
            ) from None

    whole: dict[str, list[str]] = {}
    for province_key, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            whole[new(province_key, ward_key)] = [old(o) for o in olds]
    divided: dict[str, list[str]] = {}
    for province_key, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            divided.setdefault(old(old_key), []).extend(
                new(province_key, part["newWardKey"]) for part in parts
            )
    return hierarchy.successions_from_mapping(whole, divided)


def _check_complete(
    old_keys: dict[str, str],
    new_keys: dict[tuple[str, str], str],
    predecessors: dict[str, list[tuple[str, bool]]],
) -> None:
    """Every old commune leads somewhere and every new commune comes from somewhere."""
    reached = {old for links in predecessors.values() for old, _ in links}
    orphans = sorted(set(old_keys.values()) - reached)
    if orphans:
        raise PackageDataError(
            f"{len(orphans)} old units have no 2025 successor, e.g. {', '.join(orphans[:5])}."
        )
    without = sorted(set(new_keys.values()) - set(predecessors))
    if without:
        raise PackageDataError(
            f"{len(without)} new communes have no predecessor, e.g. {', '.join(without[:5])}."
        )
