"""The admin: units searchable without accents, events with their successions inline."""

import datetime as dt

from ntm.units import services


def test_unit_changelist_finds_units_without_accents(ha_tinh, admin_client):
    response = admin_client.get("/admin/units/adminunit/", {"q": "thach chau", "level": "commune"})
    assert response.status_code == 200
    assert [u.name for u in response.context["cl"].result_list] == ["Xã Thạch Châu"]


def test_event_page_shows_its_successions(ha_tinh, admin_client):
    result = services.record_move(
        unit=ha_tinh.ho_do, new_parent=ha_tinh.city, effective_date=dt.date(2025, 1, 1)
    )
    response = admin_client.get(f"/admin/units/reorganizationevent/{result.event.pk}/change/")
    assert response.status_code == 200
    assert "Xã Hộ Độ → Xã Hộ Độ" in response.content.decode()


def test_changing_the_region_in_the_admin_marks_it_as_user_set(ha_tinh, admin_client):
    response = admin_client.post(
        f"/admin/units/adminunit/{ha_tinh.ky_lac.pk}/change/",
        {"region": "DBSH", "commune_group": ""},
    )
    assert response.status_code == 302
    ha_tinh.ky_lac.refresh_from_db()
    assert (ha_tinh.ky_lac.region, ha_tinh.ky_lac.region_source) == ("DBSH", "Người dùng đặt")
