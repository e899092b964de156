"""Personas and a small province for the approval tests.

Hà Tĩnh > Kỳ Anh > Kỳ Lạc, Kỳ Tây (``make_ky_anh``) and Thanh Hóa; the test commune set
(criteria 1, 2, 10, 19) with sectors: 1 health, 2 transport, 10 statistics (Hà Tĩnh has
no statistics office, so the coordination office verifies it), 19 none. Hà Tĩnh has a
transport and a health department, each with a verifier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from ntm.approvals.models import Submission
from ntm.audit.services import Actor
from ntm.core.periods import parse_period
from ntm.criteria import sectors
from ntm.criteria.models import CriteriaSet
from ntm.criteria.sectors import Sector, SectorMap
from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.units.models import AdminUnit, Department

SET_ID = "test-commune"
PERIOD = parse_period("2021")
YEAR_END = dt.date(2021, 12, 31)
INCOME = "test-commune:10"
ROADS = "test-commune:2.1"

TEST_SECTORS = SectorMap(
    sectors={
        "transport": Sector("transport", "Giao thông vận tải", "Transport"),
        "health": Sector("health", "Y tế", "Health"),
        "statistics": Sector("statistics", "Thống kê", "Statistics"),
    },
    by_set={SET_ID: {"1": "health", "2": "transport", "10": "statistics"}},
)


@dataclass
class World:
    units: dict[str, AdminUnit]
    gtvt: Department
    yte: Department
    users: dict[str, Any]

    @property
    def criteria_set(self) -> CriteriaSet:
        return get_set(SET_ID)

    def actor(self, username: str, channel: str = "web") -> Actor:
        return Actor(self.users[username], ip_address="10.0.0.1", channel=channel)

    def submission(self) -> Submission:
        return Submission.objects.get(unit=self.units["ky_lac"], set_id=SET_ID, period="2021")


def _verifier(username: str, unit: AdminUnit, department: Department | None):
    user = make_user(username, role="verifier", unit=unit)
    user.profile.department = department
    user.profile.save()
    return user


@pytest.fixture
def world(db, tmp_path, settings, monkeypatch) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Eleven personas: a fast hasher keeps the fixture cheap (passwords are not under test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(sectors, "sector_map", lambda: TEST_SECTORS)
    return build_world(tmp_path)


def build_world(tmp_path) -> World:
    """The world of ``world``, for a fixture that builds it once (with ``TEST_SECTORS`` as
    the sector map, e.g. ``tests/api/test_openapi_fuzz.py``)."""
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    units = make_ky_anh()
    units["thanh_hoa"] = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user",
    )  # fmt: skip
    province = units["province"]
    gtvt = Department.objects.create(
        unit=province, name="Sở Giao thông Vận tải Hà Tĩnh", sector="transport"
    )
    yte = Department.objects.create(unit=province, name="Sở Y tế Hà Tĩnh", sector="health")
    th_gtvt = Department.objects.create(
        unit=units["thanh_hoa"], name="Sở Giao thông Vận tải Thanh Hóa", sector="transport"
    )
    users = {
        "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"]),
        "kytay": make_user("kytay", role="data_entry", unit=units["ky_tay"]),
        "xem": make_user("xem", role="viewer", unit=units["ky_lac"]),
        "kyanh": make_user("kyanh", role="approver", unit=units["district"]),
        "hatinh": make_user("hatinh", role="approver", unit=province),
        "thanhhoa": make_user("thanhhoa", role="approver", unit=units["thanh_hoa"]),
        "xa_pheduyet": make_user("xa_pheduyet", role="approver", unit=units["ky_lac"]),
        "sogtvt": _verifier("sogtvt", province, gtvt),
        "soyte": _verifier("soyte", province, yte),
        "thamtra": _verifier("thamtra", province, None),
        "th_gtvt": _verifier("th_gtvt", units["thanh_hoa"], th_gtvt),
    }
    for user in users.values():
        user.first_name = ""
        user.save()
    return World(units, gtvt, yte, users)
