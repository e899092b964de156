"""Small hand-made units and criteria sets shared by the Django tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ntm.core.hierarchy import REFORM_2025

COMMUNE_SET: dict[str, Any] = {
    "id": "test-commune",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí xã (thử)",
    "level": "commune",
    "tier": "standard",
    "period": {"start": 2016, "end": 2020},
    "differentiation": "region",
    "revocation_key_criteria": ["10"],
    "criteria": [
        {
            "number": "1",
            "name_vi": "Quy hoạch",
            "indicators": [{"code": "1.1", "name_vi": "Có quy hoạch", "kind": "judgement"}],
        },
        {
            "number": "2",
            "name_vi": "Giao thông",
            "indicators": [
                {
                    "code": "2.1",
                    "name_vi": "Đường trục xã được cứng hóa",
                    "kind": "ratio",
                    "unit": "%",
                    "comparator": ">=",
                    "ratio": {"numerator": "km cứng hóa", "denominator": "km đường trục xã"},
                    "thresholds": [{"value": 100, "confidence": "verified"}],
                }
            ],
        },
        {
            "number": "10",
            "name_vi": "Thu nhập",
            "indicators": [
                {
                    "code": "10",
                    "name_vi": "Thu nhập bình quân đầu người",
                    "kind": "number",
                    "unit": "triệu đồng/người/năm",
                    "comparator": ">=",
                    "confidence": "verified",
                    "thresholds": [
                        {"value": 45, "from_year": 2020},
                        {"value": 36, "region": "BTB", "from_year": 2020},
                    ],
                }
            ],
        },
        {"number": "19", "name_vi": "Quốc phòng và An ninh", "indicators": []},
    ],
}

ADVANCED_SET: dict[str, Any] = {
    "id": "test-commune-advanced",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí xã nâng cao (thử)",
    "level": "commune",
    "tier": "advanced",
    "requires": "test-commune",
    "criteria": [
        {
            "number": "10",
            "name_vi": "Thu nhập",
            "indicators": [
                {
                    "code": "10",
                    "name_vi": "Thu nhập bình quân đầu người",
                    "kind": "number",
                    "unit": "triệu đồng/người/năm",
                    "comparator": ">=",
                    "thresholds": [{"value": 50, "confidence": "verified"}],
                }
            ],
        }
    ],
}

VARIANT_SET: dict[str, Any] = {
    "id": "test-province-commune",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí xã của tỉnh (thử)",
    "level": "commune",
    "tier": "standard",
    "extends": {"id": "test-commune", "version": 1},
    "province_code": "42",
    "criteria": [
        {
            "number": "20",
            "name_vi": "Khu dân cư mẫu, vườn mẫu",
            "indicators": [{"code": "20.1", "name_vi": "Có khu dân cư mẫu", "kind": "judgement"}],
        }
    ],
}

DISTRICT_SET: dict[str, Any] = {
    "id": "test-district",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí huyện (thử)",
    "level": "district",
    "tier": "standard",
    "conditions": [
        {
            "code": "D0",
            "name_vi": "Tỷ lệ xã đạt chuẩn",
            "kind": "aggregate",
            "unit": "%",
            "comparator": ">=",
            "aggregate": {"child_level": "commune", "measure": "share_at_tier", "tier": "standard"},
            "thresholds": [{"value": 100, "confidence": "verified"}],
        }
    ],
    "criteria": [
        {"number": str(n), "name_vi": f"Tiêu chí {n}", "indicators": []} for n in range(1, 10)
    ],
}


def write_sets(directory: Path, *documents: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for document in documents:
        (directory / f"{document['id']}.yaml").write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return directory


def make_ky_anh():
    """Hà Tĩnh > Kỳ Anh district > Kỳ Lạc, Kỳ Tây, Lâm Hợp (before 2025) and the 2025 Xã Kỳ Lạc."""
    from ntm.units.models import AdminUnit

    def unit(**fields):
        fields.setdefault("source", "user")
        fields.setdefault("short_name", fields["name"].split(" ", 1)[-1])
        return AdminUnit.objects.create(**fields)

    province = unit(
        code="42",
        name="Tỉnh Hà Tĩnh",
        kind="province",
        level="province",
        valid_to=REFORM_2025,
        region="BTB",
    )
    district = unit(
        code="447",
        name="Huyện Kỳ Anh",
        kind="rural_district",
        level="district",
        parent=province,
        valid_to=REFORM_2025,
        region="BTB",
    )
    ky_lac = unit(
        code="18850",
        name="Xã Kỳ Lạc",
        kind="commune",
        level="commune",
        parent=district,
        valid_to=REFORM_2025,
        region="BTB",
    )
    ky_tay = unit(
        code="18793",
        name="Xã Kỳ Tây",
        kind="commune",
        level="commune",
        parent=district,
        valid_to=REFORM_2025,
        region="BTB",
    )
    lam_hop = unit(
        code="18838",
        name="Xã Lâm Hợp",
        kind="commune",
        level="commune",
        parent=district,
        valid_from=dt.date(2019, 12, 1),
        valid_to=REFORM_2025,
        region="BTB",
    )
    province_2025 = unit(
        code="42", name="Tỉnh Hà Tĩnh", kind="province", level="province", valid_from=REFORM_2025
    )
    new_ky_lac = unit(
        code="18838",
        name="Xã Kỳ Lạc",
        kind="commune",
        level="commune",
        parent=province_2025,
        valid_from=REFORM_2025,
        commune_group=2,
    )
    return {
        "province": province,
        "district": district,
        "ky_lac": ky_lac,
        "ky_tay": ky_tay,
        "lam_hop": lam_hop,
        "province_2025": province_2025,
        "new_ky_lac": new_ky_lac,
    }


def make_user(username: str, *, role: str = "viewer", unit=None, password: str = "demo-pass-123"):
    """A user with a profile (unit None = whole country); log in with client.force_login."""
    from django.contrib.auth import get_user_model

    from ntm.accounts.models import Profile

    user = get_user_model().objects.create_user(username=username, password=password)
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


def assert_served_as_upload(response) -> None:
    """The headers every download of an uploaded file carries (``ntm.units.downloads``)."""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'; img-src 'self'"
    # Signed-in users' responses also get no-cache and max-age=0 from the middleware.
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
