"""The socio-economic region of each pre-2025 province, from the regions file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ntm.units import package
from ntm.units.models import (
    ConfidenceChoices,
    RegionChoices,
)
from ntm.units.services.common import REGION_SOURCE_UNVERIFIED, REGION_SOURCE_VERIFIED, REGIONS_FILE

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
