"""Dashboard, map and boundary pages as users meet them, on the hand-made province of
ntm.dashboards.tests.dashboard_data (figures worked out by hand there)."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.dashboards.tests.dashboard_data import make_province
from ntm.testing import make_user
from ntm.units.models import BoundaryUpload

pytestmark = pytest.mark.django_db

AS_OF = "as_of=2021-12-31"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(tmp_path):
    return make_province(tmp_path)


def login(client, units, role="approver", where="province", username="user"):
    user = make_user(username, role=role, unit=units[where] if where else None)
    client.force_login(user)
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def by_testid(html, name):
    return re.search(rf'data-testid="{name}">([^<]*)<', html).group(1)


def script_data(html, element_id):
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_province_dashboard_shows_the_key_figures(client, units):
    login(client, units)
    html = page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}")
    assert by_testid(html, "kpi-standard") == "2/5"
    assert by_testid(html, "kpi-advanced") == "1/5"
    assert by_testid(html, "kpi-model") == "0/5"
    assert by_testid(html, "kpi-average") == "12,8/16"  # 12.75, in Vietnamese format
    assert by_testid(html, "kpi-weak") == "2"
    words = text(html)
    assert "trên 4 xã có số liệu" in words
    assert "1 xã chưa có số liệu đánh giá theo bộ tiêu chí này" in words
    assert "1 phường, thị trấn không thuộc diện xét nông thôn mới" in words
    assert "Khó đạt nhất: 16. Tiêu chí số 16 (75 %); 13. Tiêu chí số 13 (50 %)" in words


def test_province_dashboard_carries_the_chart_data_and_its_tables(client, units):
    login(client, units)
    html = page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}")
    charts = script_data(html, "dashboard-charts")
    assert set(charts) == {"groups", "distribution", "hardest", "trends"}
    groups = charts["groups"]
    assert groups["labels"] == ["Huyện Thạch Hà", "Huyện Kỳ Anh"]
    assert {s["key"]: s["data"] for s in groups["series"]} == {
        "none": [2, 1], "standard": [0, 1], "advanced": [0, 1], "model": [0, 0],
    }  # fmt: skip
    assert charts["distribution"]["values"] == [0] * 8 + [1, 0, 0, 0, 1, 0, 0, 1, 1]
    assert charts["hardest"]["labels"][0] == "16. Tiêu chí số 16"
    assert charts["hardest"]["values"][:2] == [75.0, 50.0]
    assert charts["trends"]["labels"] == ["2018", "2019", "2020", "2021"]
    assert charts["trends"]["line"]["data"] == [None, None, 16.0, 12.75]
    # Every chart has its figures as a table, and a canvas to draw in.
    assert html.count('<details class="chart-data">') == 4
    assert html.count("<canvas data-chart=") == 4
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert (
        "Tỷ lệ xã đạt chuẩn cao nhất: Huyện Kỳ Anh (2/3); thấp nhất: Huyện Thạch Hà (0/2)." in html
    )


def test_targets_read_as_planned_and_reached(client, units):
    login(client, units)
    words = text(page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}"))
    assert "2 xã nâng cao năm 2021, đạt 1 chưa đạt mục tiêu" in words
    assert "Huyện Kỳ Anh · tính đến 31/12/2021 · Nguồn: Kế hoạch huyện" in words
    assert "3 xã đạt chuẩn năm 2022, đạt 2 đang thực hiện" in words
    assert "1 xã đạt chuẩn năm 2020, đạt 1 (mục tiêu của từng đơn vị) đạt mục tiêu" in words


def test_district_dashboard_charts_its_communes_one_by_one(client, units):
    login(client, units)
    html = page(client, f"/units/{units['district'].pk}/dashboard/?{AS_OF}")
    chart = script_data(html, "dashboard-charts")["units"]
    assert chart["labels"] == ["Xã Kỳ Tây", "Xã Lâm Hợp", "Xã Kỳ Lạc"]
    assert (chart["values"], chart["tiers"], chart["max"]) == (
        [16, 15, 12],
        ["advanced", "standard", "none"],
        16,
    )


def test_the_set_can_be_chosen(client, units):
    login(client, units)
    html = page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}&set=test-commune")
    assert by_testid(html, "kpi-average") == "—"
    assert 'value="test-commune" selected' in html
    assert "kpi-weak" not in html


def test_a_scoped_user_sees_only_their_units(client, units):
    login(client, units, role="approver", where="district")
    assert client.get(f"/units/{units['province'].pk}/dashboard/").status_code == 404
    assert client.get(f"/units/{units['province'].pk}/map/").status_code == 404
    assert client.get(f"/units/{units['district'].pk}/dashboard/?{AS_OF}").status_code == 200
    # The country's pages send them to their own unit's.
    response = client.get("/dashboard/")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/units/{units['district'].pk}/dashboard/",
    )
    assert client.get("/map/")["Location"] == f"/units/{units['district'].pk}/map/"


def test_a_commune_user_cannot_open_the_district_dashboard(client, units):
    login(client, units, role="data_entry", where="ky_lac")
    assert client.get(f"/units/{units['district'].pk}/dashboard/").status_code == 404
    assert client.get(f"/units/{units['ky_tay'].pk}/map/").status_code == 404


def test_national_dashboard_for_a_national_user(client, units):
    login(client, units, role="viewer", where=None)
    html = page(client, f"/dashboard/?{AS_OF}")
    assert by_testid(html, "kpi-standard") == "2/5"
    assert script_data(html, "dashboard-charts")["groups"]["labels"] == ["Tỉnh Hà Tĩnh"]


def test_dashboard_queries_stay_few(client, units, django_assert_max_num_queries):
    login(client, units)
    client.get(f"/units/{units['province'].pk}/dashboard/?{AS_OF}")  # warm the session
    with django_assert_max_num_queries(30):
        page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}")
    with django_assert_max_num_queries(20):
        page(client, f"/units/{units['province'].pk}/map/?{AS_OF}")


def test_map_places_communes_at_their_coordinates_and_lists_the_others(client, units):
    login(client, units)
    html = page(client, f"/units/{units['province'].pk}/map/?{AS_OF}")
    data = script_data(html, "map-data")
    rows = {row[1]: row for row in data["units"]}
    assert sorted(rows) == ["Xã Kỳ Lạc", "Xã Kỳ Tây", "Xã Lâm Hợp", "Xã Thạch Hải"]
    assert rows["Xã Kỳ Lạc"][2:6] == [18.02, 106.25, 12, 0]
    assert rows["Xã Kỳ Tây"][4:8] == [16, 2, "Huyện Kỳ Anh", "18793"]
    assert rows["Xã Thạch Hải"][4] is None  # no data
    assert data["total"] == 16 and data["shapes"] == {}
    assert data["url"] == "/units/0/" and data["query"] == "?as_of=2021-12-31&set=test-big"
    unplaced = re.search(r'data-testid="unplaced">(.*?)</ul>', html, re.S).group(1)
    assert "Xã Thạch Bàn" in unplaced and "8/16" in unplaced
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    # An office user of the province is offered the boundary upload.
    assert f'href="/units/{units["province"].pk}/boundaries/"' in html


def test_uploaded_boundaries_show_as_shapes_and_place_units_without_coordinates(client, units):
    login(client, units)
    ring = [[106.0, 18.3], [106.1, 18.3], [106.1, 18.4], [106.0, 18.4], [106.0, 18.3]]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"ma_xa": "18439"},
             "geometry": {"type": "Polygon", "coordinates": [ring]}},
        ],
    }  # fmt: skip
    url = f"/units/{units['province'].pk}/boundaries/"
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("thach-ha.geojson", json.dumps(geojson).encode()),
            "codes_on": "2021-12-31",
        },
    )
    assert (response.status_code, response["Location"]) == (302, url)
    listing = page(client, url)
    assert "thach-ha.geojson" in listing and "đang dùng" in listing
    assert "Đã lưu ranh giới của 1 đơn vị từ tệp “thach-ha.geojson”." in listing
    html = page(client, f"/units/{units['province'].pk}/map/?{AS_OF}")
    data = script_data(html, "map-data")
    assert list(data["shapes"]) == [str(units["thach_ban"].pk)]
    assert "Xã Thạch Bàn" in [row[1] for row in data["units"]]
    assert 'data-testid="unplaced"' not in html


def test_a_bad_boundary_file_is_refused_on_the_page_with_its_reasons(client, units):
    login(client, units)
    response = client.post(
        f"/units/{units['province'].pk}/boundaries/",
        {"file": SimpleUploadedFile("x.geojson", b"{oops"), "codes_on": "2021-12-31"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp không được nhận; chưa có gì thay đổi." in html
    assert "Tệp “x.geojson” không phải JSON hợp lệ: lỗi ở dòng 1, cột 2" in html
    assert not BoundaryUpload.objects.exists()


def test_a_viewer_gets_no_upload_form_and_a_post_is_refused(client, units):
    login(client, units, role="viewer")
    url = f"/units/{units['province'].pk}/boundaries/"
    assert "Tải lên tệp ranh giới" not in page(client, url)
    response = client.post(
        url, {"file": SimpleUploadedFile("x.geojson", b"{}"), "codes_on": "2021-12-31"}
    )
    assert response.status_code == 403
    assert "Vai trò “Xem” không được làm việc này" in response.content.decode()
    assert not BoundaryUpload.objects.exists()
    map_html = page(client, f"/units/{units['province'].pk}/map/?{AS_OF}")
    assert "/boundaries/" not in map_html


def test_boundaries_are_for_provinces_only(client, units):
    login(client, units)
    assert client.get(f"/units/{units['district'].pk}/boundaries/").status_code == 404


def test_unit_page_and_children_overview_link_to_the_dashboard_and_map(client, units):
    login(client, units)
    pk = units["district"].pk
    for url in (f"/units/{pk}/?{AS_OF}", f"/units/{pk}/children/?{AS_OF}"):
        html = page(client, url)
        assert f'href="/units/{pk}/dashboard/?as_of=2021-12-31' in html
        assert f'href="/units/{pk}/map/?as_of=2021-12-31' in html


def test_a_date_when_the_unit_did_not_exist_is_said(client, units):
    login(client, units)
    html = page(client, f"/units/{units['province'].pk}/dashboard/?as_of=2026-01-01")
    assert "Đơn vị này không tồn tại vào ngày 01/01/2026" in html
    assert "Không có xã nào được xét" in html


def test_the_dashboard_in_english(client, units, settings):
    from ntm.i18n import compile_messages

    compile_messages()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # drop catalogues already loaded
    login(client, units)
    client.cookies["django_language"] = "en"
    html = page(client, f"/units/{units['province'].pk}/dashboard/?{AS_OF}")
    words = text(html)
    assert "commune units at standard or above" in words
    assert by_testid(html, "kpi-average") == "12.8/16"
    assert "2 commune units advanced in 2021, 1 reached target missed" in words
    charts = script_data(html, "dashboard-charts")
    assert [s["label"] for s in charts["groups"]["series"]] == [
        "Not yet standard", "Standard", "Advanced", "Model",
    ]  # fmt: skip
    assert "bảng điều khiển" not in html


def test_the_api_gives_the_same_figures_within_the_scope(client, units):
    assert client.get(f"/api/dashboards/{units['province'].pk}").status_code == 401
    login(client, units, role="viewer", where="district")
    assert client.get(f"/api/dashboards/{units['province'].pk}").status_code == 404
    assert client.get("/api/dashboards/national").status_code == 404
    response = client.get(f"/api/dashboards/{units['district'].pk}?as_of=2021-12-31")
    assert response.status_code == 200
    data = response.json()
    assert (data["units"], data["criteria_set"], data["total_criteria"]) == (3, "test-big@1", 16)
    assert data["tiers"] == {
        "none": 1, "standard": 1, "advanced": 1, "model": 0, "at_standard": 2, "at_advanced": 1,
    }  # fmt: skip
    assert data["average_met"] == 43 / 3 and data["below_15"] == 1
    assert data["targets"][0]["planned"] == 2 and data["targets"][0]["reached"] == 1
    assert [p["date"] for p in data["trends"]][-1] == "2021-12-31"
