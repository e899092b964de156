"""The read-only pages: units with their history, criteria sets with confidence marks."""

import datetime as dt

import pytest

from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, VARIANT_SET, make_ky_anh, write_sets
from ntm.units.models import ReorganizationEvent, Succession

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    units = make_ky_anh()
    event = ReorganizationEvent.objects.create(
        kind="merge",
        effective_date=dt.date(2025, 7, 1),
        source="user",
        legal_act_number="1665/NQ-UBTVQH15",
    )
    for old in (units["ky_lac"], units["lam_hop"]):
        Succession.objects.create(event=event, predecessor=old, successor=units["new_ky_lac"])
    return units


def test_home_lists_provinces_of_both_eras(client, history):
    page = client.get("/").content.decode()
    assert page.count("Tỉnh Hà Tĩnh") == 2
    assert "Từ 01/7/2025" in page and "Trước 01/7/2025" in page


def test_unit_page_links_predecessors_and_successors(client, history):
    new_page = client.get(f"/units/{history['new_ky_lac'].id}/").content.decode()
    assert "Hình thành từ" in new_page
    assert (
        f"/units/{history['lam_hop'].id}/" in new_page
        and f"/units/{history['ky_lac'].id}/" in new_page
    )
    old_page = client.get(f"/units/{history['ky_lac'].id}/").content.decode()
    assert "Sau sắp xếp" in old_page and f"/units/{history['new_ky_lac'].id}/" in old_page
    assert "01/07/2025" in old_page


def test_criteria_pages_show_thresholds_and_what_needs_confirmation(client, tmp_path):
    incomplete = {**COMMUNE_SET}
    load_criteria_sets(write_sets(tmp_path, incomplete, VARIANT_SET))
    listing = client.get("/criteria/").content.decode()
    assert "Bộ tiêu chí xã của tỉnh (thử)" in listing
    page = client.get("/criteria/test-province-commune/").content.decode()
    assert "Khu dân cư mẫu, vườn mẫu" in page
    assert "&gt;= 36 triệu đồng/người/năm · BTB · từ 2020" in page
    assert "Chưa có chi tiết chỉ tiêu" in page  # criterion 19 has no indicator detail
    assert client.get("/criteria/nope/").status_code == 404
