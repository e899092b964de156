"""A hand-made province for dashboard tests, with every figure worked out by hand.

Tỉnh Hà Tĩnh > Huyện Kỳ Anh: Kỳ Lạc, Kỳ Tây, Lâm Hợp (from 1/12/2019), Phường Sông Trí
(a ward, not assessed); Huyện Thạch Hà: Thạch Hải, Thạch Bàn (no coordinates). Under
BIG_SET (16 criteria, each certified as a whole), on 31/12/2021:

| commune   | met | tier held                     |
|-----------|-----|-------------------------------|
| Kỳ Lạc    | 12  | none (criteria 13-16 not met) |
| Kỳ Tây    | 16  | advanced (standard 2020)      |
| Lâm Hợp   | 15  | standard (2019; 16 not met)   |
| Thạch Hải | —   | none (standard 2018, revoked) |
| Thạch Bàn | 8   | none (8-14 and 16 not met)    |
"""

from __future__ import annotations

import datetime as dt

from ntm.criteria.services import load_criteria_sets
from ntm.programme.services import record_target
from ntm.recognition.services import record_recognition, record_revocation
from ntm.testing import COMMUNE_SET, make_ky_anh, write_sets
from ntm.units.models import AdminUnit
from ntm.values.models import CriterionCertification

D = dt.date
AS_OF = D(2021, 12, 31)

BIG_SET = {
    "id": "test-big",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí xã 16 tiêu chí (thử)",
    "level": "commune",
    "tier": "standard",
    "period": {"start": 2016, "end": 2020},
    "criteria": [
        {"number": str(n), "name_vi": f"Tiêu chí số {n}", "indicators": []} for n in range(1, 17)
    ],
}


def certify(unit, not_met: set[int], on: dt.date) -> None:
    """Certify all 16 criteria on a day, those in `not_met` as not met (one bulk insert)."""
    CriterionCertification.objects.bulk_create(
        CriterionCertification(
            unit=unit, criterion_key=f"test-big:{n}", is_met=n not in not_met, certified_on=on
        )
        for n in range(1, 17)
    )


def make_province(tmp_path) -> dict:
    load_criteria_sets(write_sets(tmp_path, BIG_SET, COMMUNE_SET))
    units = make_ky_anh()
    province, ky_anh = units["province"], units["district"]

    def unit(name, code, parent, kind="commune", level="commune", lat=None, lon=None):
        return AdminUnit.objects.create(
            name=name, short_name=name.split(" ", 1)[-1], code=code, kind=kind, level=level,
            parent=parent, valid_to=province.valid_to, region="BTB", source="user",
            latitude=lat, longitude=lon,
        )  # fmt: skip

    thach_ha = unit("Huyện Thạch Hà", "440", province, kind="rural_district", level="district")
    units["thach_ha"] = thach_ha
    units["thach_hai"] = unit("Xã Thạch Hải", "18436", thach_ha, lat=18.42, lon=105.88)
    units["thach_ban"] = unit("Xã Thạch Bàn", "18439", thach_ha)
    units["song_tri"] = unit("Phường Sông Trí", "18754", ky_anh, kind="ward", lat=18.1, lon=106.3)
    for key, lat, lon in (("ky_lac", 18.02, 106.25), ("ky_tay", 18.05, 106.18),
                          ("lam_hop", 18.0, 106.1)):  # fmt: skip
        AdminUnit.objects.filter(pk=units[key].pk).update(latitude=lat, longitude=lon)
        units[key].refresh_from_db()

    certify(units["ky_lac"], {13, 14, 15, 16}, D(2021, 9, 25))
    certify(units["ky_tay"], set(), D(2020, 12, 31))
    certify(units["lam_hop"], {16}, D(2021, 6, 30))
    certify(units["thach_ban"], {8, 9, 10, 11, 12, 13, 14, 16}, D(2021, 12, 31))
    recognize = record_recognition
    recognize(unit=units["ky_tay"], tier="standard", decision_number="1/QĐ-UBND",
              decision_date=D(2020, 12, 15))  # fmt: skip
    recognize(unit=units["ky_tay"], tier="advanced", decision_number="2/QĐ-UBND",
              decision_date=D(2021, 11, 30))  # fmt: skip
    recognize(unit=units["lam_hop"], tier="standard", decision_number="3/QĐ-UBND",
              decision_date=D(2019, 12, 20))  # fmt: skip
    revoked = recognize(unit=units["thach_hai"], tier="standard", decision_number="4/QĐ-UBND",
                        decision_date=D(2018, 12, 15))  # fmt: skip
    record_revocation(recognition=revoked, decision_number="5/QĐ-UBND", decision_date=D(2021, 5, 1))
    record_target(unit=ky_anh, tier="advanced", year=2021, child_level="commune",
                           child_count=2, source="Kế hoạch huyện")  # fmt: skip
    record_target(unit=province, tier="standard", year=2022, child_level="commune",
                           child_count=3)  # fmt: skip
    record_target(unit=units["ky_lac"], tier="standard", year=2021)
    record_target(unit=units["ky_tay"], tier="standard", year=2020)
    return units
