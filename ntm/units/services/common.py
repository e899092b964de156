"""The words of unit writes: the refusal, constants, how a unit is named in messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.utils import translation

from ntm.core import hierarchy
from ntm.core.hierarchy import HierarchyError
from ntm.units.models import (
    AdminUnit,
    ConfidenceChoices,
    KindChoices,
)

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "province_regions.yaml"
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


def _vi(label: Any) -> str:
    """A choice label in Vietnamese, the language of the audit trail's summaries."""
    with translation.override("vi"):
        return str(label())
