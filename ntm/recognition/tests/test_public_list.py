"""The public recognition list (moved out of ntm/web/tests/test_public_and_login.py)."""

import datetime as dt

import pytest

from ntm.recognition.models import Recognition, Revocation
from ntm.testing import make_ky_anh
from ntm.units.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    units = make_ky_anh()
    thanh_hoa = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user",
    )  # fmt: skip
    dong_son = AdminUnit.objects.create(
        code="399", name="Huyện Đông Sơn", short_name="Đông Sơn", kind="rural_district",
        level="district", parent=thanh_hoa, source="user",
    )  # fmt: skip
    units["dong_van"] = AdminUnit.objects.create(
        code="16000", name="Xã Đông Văn", short_name="Đông Văn", kind="commune",
        level="commune", parent=dong_son, source="user",
    )  # fmt: skip
    units["thanh_hoa"] = thanh_hoa
    return units


@pytest.fixture
def recognized(units):
    def recognize(unit, tier, number, day):
        return Recognition.objects.create(
            unit=unit, tier=tier, decision_number=number, decision_date=day,
            issuer="UBND tỉnh", signer="Nguyễn Văn A",
        )  # fmt: skip

    ky_lac = recognize(units["ky_lac"], "standard", "101/QĐ-UBND", dt.date(2021, 12, 20))
    ky_tay = recognize(units["ky_tay"], "advanced", "202/QĐ-UBND", dt.date(2022, 12, 10))
    Revocation.objects.create(
        recognition=ky_tay, decision_number="303/QĐ-UBND", decision_date=dt.date(2024, 3, 1)
    )
    dong_van = recognize(units["dong_van"], "model", "404/QĐ-UBND", dt.date(2023, 6, 1))
    return {"ky_lac": ky_lac, "ky_tay": ky_tay, "dong_van": dong_van}


def html(response):
    return response.content.decode()


def test_recognitions_are_public_with_parent_chain_tier_and_revocation(client, recognized):
    response = client.get("/recognitions/")
    assert response.status_code == 200
    page = html(response)
    assert "Xã Kỳ Lạc" in page and "Huyện Kỳ Anh, Tỉnh Hà Tĩnh" in page
    assert "101/QĐ-UBND" in page and "20/12/2021" in page
    assert "Đạt chuẩn" in page and "Nâng cao" in page and "Kiểu mẫu" in page
    assert "Đã thu hồi" in page and "303/QĐ-UBND" in page
    assert page.count("Còn hiệu lực") == 2
    # Newest decision first.
    assert page.index("404/QĐ-UBND") < page.index("202/QĐ-UBND") < page.index("101/QĐ-UBND")


def test_recognitions_filter_by_province_tier_and_text(client, recognized, units):
    by_province = html(client.get(f"/recognitions/?province={units['thanh_hoa'].id}"))
    assert "404/QĐ-UBND" in by_province and "101/QĐ-UBND" not in by_province
    hatinh = html(client.get(f"/recognitions/?province={units['province'].id}"))
    assert "101/QĐ-UBND" in hatinh and "202/QĐ-UBND" in hatinh and "404/QĐ-UBND" not in hatinh
    # Only provinces holding a recognition are offered, the 2025 Hà Tĩnh is not.
    assert f'value="{units["province_2025"].id}"' not in hatinh
    by_tier = html(client.get("/recognitions/?tier=advanced"))
    assert "202/QĐ-UBND" in by_tier and "101/QĐ-UBND" not in by_tier
    by_name = html(client.get("/recognitions/?q=ky lac"))  # without accents
    assert "101/QĐ-UBND" in by_name and "202/QĐ-UBND" not in by_name
    by_district = html(client.get("/recognitions/?q=Kỳ Anh"))
    assert "101/QĐ-UBND" in by_district and "404/QĐ-UBND" not in by_district
    by_number = html(client.get("/recognitions/?q=404/QĐ"))
    assert "404/QĐ-UBND" in by_number and "101/QĐ-UBND" not in by_number
    nothing = html(client.get("/recognitions/?tier=model&province=" + str(units["province"].id)))
    assert "Không có quyết định nào khớp bộ lọc" in nothing
    assert client.get("/recognitions/?tier=bogus&province=x&page=zz").status_code == 200


def test_recognitions_are_paginated_by_50_in_a_constant_number_of_queries(
    client, units, django_assert_max_num_queries
):
    Recognition.objects.bulk_create(
        Recognition(
            unit=units["ky_lac"],
            tier="standard",
            decision_number=f"{n}/QĐ-UBND",
            decision_date=dt.date(2020, 1, 1) + dt.timedelta(days=n),
        )  # fmt: skip
        for n in range(60)
    )
    with django_assert_max_num_queries(5):
        first = html(client.get("/recognitions/"))
    assert first.count("/QĐ-UBND</") + first.count("/QĐ-UBND<br>") <= 50
    assert "59/QĐ-UBND" in first and "trang 1/2" in first
    second = html(client.get("/recognitions/?page=2"))
    assert "0/QĐ-UBND" in second and "59/QĐ-UBND" not in second
    filtered = html(client.get(f"/recognitions/?tier=standard&province={units['province'].id}"))
    assert f"tier=standard&amp;province={units['province'].id}&amp;page=2" in filtered
