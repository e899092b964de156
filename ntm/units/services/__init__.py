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

from ntm.units.models import ReorganizationEvent
from ntm.units.services.common import (
    AUDIT_LISTED,
    BATCH_SIZE,
    COMMUNE_ISSUER,
    PROVINCE_ACT,
    REGION_SOURCE_UNVERIFIED,
    REGION_SOURCE_VERIFIED,
    REGIONS_FILE,
    USER_REGION_SOURCE,
    VILLAGE_KINDS,
    ReorganizationRefused,
    default_short_name,
    describe,
)
from ntm.units.services.loading import Counts, LoadReport, load_package_units
from ntm.units.services.recorder import LegalAct, RecordedEvent, UnitSpec
from ntm.units.services.regions import ProvinceRegion, load_province_regions
from ntm.units.services.reorganizations import (
    record_earlier_history,
    record_merge,
    record_move,
    record_rename,
    record_split,
)
from ntm.units.services.unit_writes import (
    add_historical_unit,
    create_village,
    set_commune_group,
    set_region,
)

__all__ = [
    "AUDIT_LISTED",
    "BATCH_SIZE",
    "COMMUNE_ISSUER",
    "Counts",
    "LegalAct",
    "LoadReport",
    "PROVINCE_ACT",
    "ProvinceRegion",
    "REGIONS_FILE",
    "REGION_SOURCE_UNVERIFIED",
    "REGION_SOURCE_VERIFIED",
    "RecordedEvent",
    "ReorganizationEvent",
    "ReorganizationRefused",
    "USER_REGION_SOURCE",
    "UnitSpec",
    "VILLAGE_KINDS",
    "add_historical_unit",
    "create_village",
    "default_short_name",
    "describe",
    "load_package_units",
    "load_province_regions",
    "record_earlier_history",
    "record_merge",
    "record_move",
    "record_rename",
    "record_split",
    "set_commune_group",
    "set_region",
]
