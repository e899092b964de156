"""The units API: reads, code ambiguity, and writes reserved to offices and administrators."""

import pytest

from ntm.core.hierarchy import REFORM_2025
from ntm.units.models import AdminUnit, ReorganizationEvent

from .conftest import make_unit, snapshot

JSON = "application/json"


@pytest.fixture
def new_ky_lac(ha_tinh):
    province = make_unit(
        "Tỉnh Hà Tĩnh", "province", code="42", valid_from=REFORM_2025, valid_to=None
    )
    return make_unit(
        "Xã Kỳ Lạc", "commune", province, code="18850", valid_from=REFORM_2025, valid_to=None
    )


def test_by_code_without_date_is_a_conflict_listing_the_candidates(ha_tinh, new_ky_lac, client):
    response = client.get("/api/units/by-code/18850")
    assert response.status_code == 409
    data = response.json()
    assert data["detail"].startswith("The code '18850' is ambiguous")
    assert [(c["id"], c["name"], c["era"]) for c in data["candidates"]] == [
        (ha_tinh.ky_lac.pk, "Xã Kỳ Lạc", "before-2025"),
        (new_ky_lac.pk, "Xã Kỳ Lạc", "from-2025"),
    ]


def test_by_code_with_a_date_returns_the_unit_in_force(ha_tinh, new_ky_lac, client):
    response = client.get("/api/units/by-code/18850", {"on": "2021-09-25"})
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["era"], data["parent"]["name"], data["region"]) == (
        ha_tinh.ky_lac.pk,
        "before-2025",
        "Huyện Kỳ Anh",
        "BTB",
    )
    assert (data["children_on"], data["children"], data["predecessors"]) == ("2021-09-25", [], [])


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({}, 404, "No administrative unit has the code '1'."),
        (
            {"level": "xa"},
            422,
            "Unknown level 'xa'; use one of province, district, commune, village.",
        ),
    ],
)
def test_by_code_unknown_code_or_level(ha_tinh, client, params, status, detail):
    response = client.get("/api/units/by-code/1", params)
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_list_filters_by_level_date_name_and_parent_with_pagination(ha_tinh, client):
    response = client.get(
        "/api/units", {"level": "commune", "on": "2021-09-25", "q": "thach", "limit": 1}
    )
    data = response.json()
    assert (data["count"], data["limit"], data["offset"]) == (3, 1, 0)
    assert [u["name"] for u in data["items"]] == ["Xã Thạch Châu"]
    page_2 = client.get(
        "/api/units", {"level": "commune", "q": "thach", "limit": 2, "offset": 2}
    ).json()
    assert [u["name"] for u in page_2["items"]] == ["Xã Thạch Kim"]
    children = client.get("/api/units", {"parent_id": ha_tinh.thach_chau.pk}).json()
    assert [u["name"] for u in children["items"]] == ["Thôn Bắc", "Thôn Nam"]


def test_stats_and_detail(ha_tinh, client):
    assert client.get("/api/units/stats").json()["before-2025"] == {
        "province": 1,
        "district": 4,
        "commune": 6,
        "village": 3,
    }
    detail = client.get(f"/api/units/{ha_tinh.thach_chau.pk}").json()
    assert [c["name"] for c in detail["children"]] == ["Thôn Bắc", "Thôn Nam"]
    assert client.get("/api/units/999999").status_code == 404


def village_payload(ha_tinh):
    return {"parent_id": ha_tinh.ky_lac.pk, "name": "Thôn Tân Tiến", "kind": "village"}


def test_writes_as_anonymous_are_refused_and_change_nothing(ha_tinh, client):
    before = snapshot()
    response = client.post("/api/units/villages", village_payload(ha_tinh), content_type=JSON)
    assert response.status_code == 401
    patch = client.patch(f"/api/units/{ha_tinh.ky_lac.pk}", {"region": "DBSH"}, content_type=JSON)
    assert patch.status_code == 401
    assert snapshot() == before


def test_writes_by_a_user_without_a_role_are_forbidden_and_change_nothing(ha_tinh, officer, client):
    client.force_login(officer)
    before = snapshot()
    response = client.post("/api/units/villages", village_payload(ha_tinh), content_type=JSON)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Cần đăng nhập bằng tài khoản có vai trò để thay đổi số liệu."},
    )
    assert snapshot() == before


def test_staff_creates_a_village(ha_tinh, staff, client):
    client.force_login(staff)
    response = client.post(
        "/api/units/villages",
        {**village_payload(ha_tinh), "valid_from": "2020-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["name"], data["level"], data["parent"]["id"], data["valid_from"]) == (
        "Thôn Tân Tiến",
        "village",
        ha_tinh.ky_lac.pk,
        "2020-01-01",
    )
    assert AdminUnit.objects.filter(parent=ha_tinh.ky_lac, name="Thôn Tân Tiến").count() == 1


def test_staff_records_a_merge(ha_tinh, staff, client):
    client.force_login(staff)
    response = client.post(
        "/api/units/events/merge",
        {
            "unit_ids": [ha_tinh.loc_ha.pk],
            "into_id": ha_tinh.thach_ha.pk,
            "effective_date": "2025-01-01",
            "legal_act_number": "1283/NQ-UBTVQH15",
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["event"]["kind"], data["event"]["legal_act"], data["moved"]) == (
        "merge",
        "1283/NQ-UBTVQH15",
        7,
    )
    assert [(u["name"], u["valid_from"]) for u in data["units"]] == [
        ("Huyện Thạch Hà", "2025-01-01")
    ]
    assert ReorganizationEvent.objects.get(pk=data["event"]["id"]).recorded_by == staff


def test_staff_records_rename_move_and_split(ha_tinh, staff, client):
    client.force_login(staff)
    rename = client.post(
        "/api/units/events/rename",
        {
            "unit_id": ha_tinh.ky_tay.pk,
            "name": "Phường Kỳ Tây",
            "kind": "ward",
            "effective_date": "2024-01-01",
        },
        content_type=JSON,
    )
    assert (rename.status_code, rename.json()["units"][0]["name"]) == (201, "Phường Kỳ Tây")
    move = client.post(
        "/api/units/events/move",
        {
            "unit_id": ha_tinh.ho_do.pk,
            "new_parent_id": ha_tinh.city.pk,
            "effective_date": "2025-01-01",
        },
        content_type=JSON,
    )
    assert (move.status_code, move.json()["units"][0]["parent"]["name"]) == (
        201,
        "Thành phố Hà Tĩnh",
    )
    split = client.post(
        "/api/units/events/split",
        {
            "unit_id": ha_tinh.thach_ha.pk,
            "effective_date": "2015-01-01",
            "into": [
                {
                    "name": "Huyện Thạch Hà",
                    "kind": "rural_district",
                    "children": [ha_tinh.thach_kim.pk],
                },
                {
                    "name": "Huyện Thạch Hải",
                    "kind": "rural_district",
                    "children": [ha_tinh.thach_hai.pk],
                },
            ],
        },
        content_type=JSON,
    )
    assert split.status_code == 201
    assert [u["name"] for u in split.json()["units"]] == ["Huyện Thạch Hà", "Huyện Thạch Hải"]


def test_a_refused_event_is_422_with_the_reason_and_changes_nothing(ha_tinh, staff, client):
    client.force_login(staff)
    before = snapshot()
    response = client.post(
        "/api/units/events/split",
        {
            "unit_id": ha_tinh.thach_ha.pk,
            "effective_date": "2015-01-01",
            "into": [
                {"name": "Huyện Thạch Hà", "kind": "rural_district"},
                {"name": "Huyện Thạch Hải", "kind": "rural_district"},
            ],
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"].endswith(
        f"go to: Xã Thạch Hải (id {ha_tinh.thach_hai.pk}), Xã Thạch Kim (id {ha_tinh.thach_kim.pk})."
    )
    assert snapshot() == before


def test_staff_sets_region_and_commune_group(ha_tinh, new_ky_lac, staff, client):
    client.force_login(staff)
    response = client.patch(
        f"/api/units/{new_ky_lac.pk}", {"region": "BTB", "commune_group": 2}, content_type=JSON
    )
    assert response.status_code == 200
    assert (response.json()["region"], response.json()["region_source"]) == (
        "BTB",
        "Người dùng đặt",
    )
    assert response.json()["commune_group"] == 2
    before = snapshot()
    refused = client.patch(
        f"/api/units/{ha_tinh.ky_anh.pk}", {"region": "DBSH", "commune_group": 1}, content_type=JSON
    )
    assert refused.status_code == 422
    assert "commune groups apply to communes only" in refused.json()["detail"]
    assert snapshot() == before


def test_openapi_documents_the_unit_endpoints_and_their_auth(client):
    schema = client.get("/api/openapi.json").json()
    paths = {p for p in schema["paths"] if p.startswith("/api/units")}
    assert paths == {
        "/api/units",
        "/api/units/stats",
        "/api/units/by-code/{code}",
        "/api/units/{unit_id}",
        "/api/units/villages",
        "/api/units/events/merge",
        "/api/units/events/split",
        "/api/units/events/rename",
        "/api/units/events/move",
    }
    assert schema["paths"]["/api/units/villages"]["post"]["security"] == [
        {"TokenAuth": []},
        {"SessionAuth": []},
    ]
    assert "security" not in schema["paths"]["/api/units"]["get"]
