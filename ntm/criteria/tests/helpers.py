"""A small world for authoring tests: sets, Hà Tĩnh's units, one user per persona."""

from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace
from typing import Any

from ntm.audit.services import Actor
from ntm.criteria.authoring import Decision
from ntm.criteria.models import CriteriaSet
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, VARIANT_SET, make_ky_anh, write_sets

#: A made-up decision, used only in tests.
DECISION = Decision(number="123/QĐ-THỬ", date=dt.date(2026, 3, 15), issuer="UBND tỉnh Hà Tĩnh")
DECISION_TEXT = "123/QĐ-THỬ ngày 15/03/2026, UBND tỉnh Hà Tĩnh"

# A national set of the next period: income by region, an environment indicator whose
# threshold no source showed yet ("cần xác nhận"), a judgement.
NEXT_SET: dict[str, Any] = {
    "id": "test-commune-next",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025 (thử)",
    "level": "commune",
    "tier": "standard",
    "period": {"start": 2021, "end": 2025},
    "differentiation": "region",
    "legal_source": {"number": "1/QĐ-THỬ", "date": "2022-03-08", "issuer": "Thủ tướng"},
    "criteria": [
        {
            "number": "1",
            "name_vi": "Quy hoạch",
            "indicators": [{"code": "1.1", "name_vi": "Có quy hoạch", "kind": "judgement"}],
        },
        copy.deepcopy(COMMUNE_SET["criteria"][2]),  # 10: income, 45 / BTB 36 from 2020
        {
            "number": "17",
            "name_vi": "Môi trường",
            "indicators": [
                {
                    "code": "17.1",
                    "name_vi": "Tỷ lệ hộ được dùng nước sạch",
                    "kind": "number",
                    "unit": "%",
                    "comparator": ">=",
                    "thresholds": [],
                }
            ],
        },
    ],
}


def snapshot() -> list[tuple[Any, ...]]:
    """Every stored set version and its content: compared before and after a refusal."""
    return sorted(CriteriaSet.objects.values_list("set_id", "version", "status", "content_hash"))


def persona(username: str, *, role: str, unit):
    """A user with a profile and no password (tests log in with force_login; hashing a
    password costs a second on a busy machine)."""
    from django.contrib.auth import get_user_model

    from ntm.accounts.models import Profile

    user = get_user_model().objects.create(username=username)
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


def build_world(tmp_path) -> SimpleNamespace:
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, VARIANT_SET, NEXT_SET))
    units = make_ky_anh()
    from ntm.units.models import AdminUnit

    thanh_hoa = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user", region="BTB",
    )  # fmt: skip
    users = {
        "hatinh": persona("hatinh", role="approver", unit=units["province"]),
        "sogtvt": persona("sogtvt", role="verifier", unit=units["province"]),
        "kyanh": persona("kyanh", role="approver", unit=units["district"]),
        "kylac": persona("kylac", role="data_entry", unit=units["ky_lac"]),
        "thanhhoa": persona("thanhhoa", role="approver", unit=thanh_hoa),
        "national": persona("national", role="administrator", unit=None),
    }
    return SimpleNamespace(
        units=units,
        thanh_hoa=thanh_hoa,
        users=users,
        actors={name: Actor(user, channel="web") for name, user in users.items()},
    )


def stored(set_id: str, version: int = 1) -> CriteriaSet:
    return CriteriaSet.objects.get(set_id=set_id, version=version)
