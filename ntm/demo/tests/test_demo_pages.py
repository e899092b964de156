"""Every page renders for every demo account on the demo data, scope holds, queries stay few.

A unit outside an account's scope answers 404 on its page and its children overview; a
page's query count is bounded, so a query per unit (per child, per criterion) fails here.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from ntm.demo.loader import ACCOUNTS
from ntm.units.models import AdminUnit
from ntm.units.selectors import find_unit

pytestmark = pytest.mark.django_db

#: The units the pages are asked about, as (code, a day it was in force, level).
UNITS = {
    "ky_lac": ("18850", date(2021, 9, 25), "commune"),
    "new_ky_lac": ("18838", date(2026, 1, 1), "commune"),
    "ky_tay": ("18793", date(2021, 9, 25), "commune"),
    "huong_son": ("439", date(2021, 1, 20), "district"),
    "ky_anh": ("447", date(2022, 4, 15), "district"),
    "ha_tinh": ("42", date(2021, 1, 1), "province"),
    "ha_tinh_2025": ("42", date(2026, 1, 1), "province"),
}
HA_TINH_UNITS = {"ky_lac", "new_ky_lac", "ky_tay", "huong_son", "ky_anh", "ha_tinh", "ha_tinh_2025"}
#: What each demo account may open; every other unit of UNITS is a 404 for it.
VISIBLE = {
    "admin": {*HA_TINH_UNITS, "dong_son"},
    "hatinh": HA_TINH_UNITS,
    "sogtvt": HA_TINH_UNITS,
    "kyanh": {"ky_anh", "ky_lac", "new_ky_lac", "ky_tay"},
    "kylac": {"ky_lac", "new_ky_lac"},
    "kytay": {"ky_tay"},
    "thanhhoa": {"dong_son"},
}
#: Unit pages, as (unit, path after /units/<id>/, query string, most queries allowed).
UNIT_PAGES = [
    ("ky_lac", "", "as_of=2021-09-25&set=hatinh-commune-ntm", 90),
    ("ky_lac", "", "", 90),
    ("new_ky_lac", "", "set=commune-ntm-2026-2030", 90),
    ("ky_tay", "", "", 90),
    ("huong_son", "", "as_of=2021-01-20", 90),
    ("huong_son", "children/", "as_of=2021-01-20", 40),
    ("huong_son", "children/", "as_of=2025-06-30", 40),
    ("ky_anh", "", "as_of=2022-04-15", 90),
    ("ky_anh", "children/", "as_of=2022-04-15", 40),
    ("ha_tinh", "", "", 90),
    ("ha_tinh", "children/", "", 40),
    ("ha_tinh", "children/", "as_of=2021-01-20", 40),
    ("ha_tinh_2025", "children/", "", 40),
    ("dong_son", "", "as_of=2020-08-05", 90),
    ("dong_son", "children/", "as_of=2020-08-05", 40),
]
#: Pages every account opens, with the most queries allowed.
COMMON_PAGES = [
    ("/search/?q=ky+lac", 20),
    ("/criteria/", 25),  # an office user also gets its authoring choices
    ("/criteria/commune-ntm-2021-2025/", 25),
    ("/criteria/compare/?a=commune-ntm-2016-2020&b=commune-ntm-2021-2025", 15),
    ("/recognitions/", 15),
    ("/recognitions/?q=son+kim", 15),
    ("/api/docs", 5),
]
USERNAMES = [account.username for account in ACCOUNTS]


@pytest.fixture(scope="module")
def unit_ids(django_db_blocker) -> dict[str, int]:
    with django_db_blocker.unblock():
        ids = {
            key: find_unit(code, on=on, level=level).id for key, (code, on, level) in UNITS.items()
        }
        ids["dong_son"] = AdminUnit.objects.get(name="Huyện Đông Sơn", source="user").id
    return ids


@pytest.fixture
def login(client):
    def log_in(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        client.get("/recognitions/")  # the session is read once before counting
        return client

    return log_in


def test_every_demo_account_is_covered():
    assert set(USERNAMES) == set(VISIBLE)


@pytest.mark.parametrize("username", USERNAMES)
def test_unit_pages_answer_within_scope(username, login, unit_ids, django_assert_max_num_queries):
    client = login(username)
    for key, path, query, most in UNIT_PAGES:
        url = f"/units/{unit_ids[key]}/{path}?{query}"
        with django_assert_max_num_queries(most):
            response = client.get(url)
        expected = 200 if key in VISIBLE[username] else 404
        assert response.status_code == expected, (username, url)


@pytest.mark.parametrize("username", USERNAMES)
def test_common_pages_render(username, login, django_assert_max_num_queries):
    client = login(username)
    for url, most in COMMON_PAGES:
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200, (username, url)
    with django_assert_max_num_queries(15):
        home = client.get("/")
    # A national account sees the provinces; a unit's account is sent to its unit.
    assert home.status_code == (200 if username == "admin" else 302)


def test_a_commune_user_is_refused_ky_tay_and_the_province_overview(login, unit_ids):
    client = login("kylac")
    assert client.get(f"/units/{unit_ids['ky_tay']}/").status_code == 404
    assert client.get(f"/units/{unit_ids['ha_tinh']}/children/").status_code == 404
    found = client.get("/search/?q=ky").content.decode()
    assert f"/units/{unit_ids['ky_lac']}/" in found
    assert f"/units/{unit_ids['ky_tay']}/" not in found
    home = client.get("/")
    assert home["Location"] == f"/units/{unit_ids['ky_lac']}/"


# --- What the pages say on the demo data -----------------------------------------------


def words_of(html: str) -> str:
    """The page's visible text on one line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def words(response) -> str:
    return words_of(response.content.decode())


def test_ky_lac_page_names_criteria_and_marks_the_demo_ones(login, unit_ids):
    client = login("kylac")
    html = client.get(
        f"/units/{unit_ids['ky_lac']}/?as_of=2021-09-25&set=hatinh-commune-ntm"
    ).content.decode()
    text = words_of(html)
    assert 'data-testid="met-total">12/20<' in html
    assert "5. Trường học" in text and "10. Thu nhập" in text  # not their indicators' names
    # Report 000 names transport, income and environment; the other unmet ones are demo.
    assert re.search(r"2\. Giao thông\s*</span>\s*<span[^>]*>Chưa đạt", html)
    assert "Nguồn: Báo cáo 000" in text
    assert text.count("demo") > 10


def test_huong_son_shows_23_reported_beside_the_current_listing_and_the_merges(login, unit_ids):
    text = words(login("hatinh").get(f"/units/{unit_ids['huong_son']}/?as_of=2021-01-20"))
    assert "Báo cáo: 6/9 · Hệ thống đánh giá: 6/9" in text
    assert "Báo cáo: 23 · Danh mục tại ngày 20/01/2021: 23 · khớp" in text
    assert (
        "Danh mục đơn vị hiện hành (ngày 30/06/2025): 22 đơn vị (20 xã, 2 phường, thị trấn)" in text
    )
    assert "Sáp nhập: Sơn Hàm, Sơn Trường → Xã Hàm Trường" in text
    assert "Ngày có báo cáo: 20/01/2021" in text


def test_huong_son_children_read_20_of_20_on_the_last_day_and_23_of_23_in_2021(login, unit_ids):
    client = login("hatinh")
    last_day = words(client.get(f"/units/{unit_ids['huong_son']}/children/"))
    assert "Trang mở tại ngày cuối cùng đơn vị này còn hiệu lực (30/06/2025)" in last_day
    assert "20/20 xã đạt chuẩn" in last_day and "thiếu số liệu" not in last_day
    in_2021 = words(client.get(f"/units/{unit_ids['huong_son']}/children/?as_of=2021-01-20"))
    assert "23/23 xã đạt chuẩn, 1 xã nâng cao" in in_2021


def test_province_overview_counts_each_districts_communes_at_standard(login, unit_ids):
    html = login("hatinh").get(f"/units/{unit_ids['ha_tinh']}/children/").content.decode()
    row = html[html.index(">Huyện Hương Sơn<") :]
    assert re.search(r'data-testid="child-communes"[^>]*>20/20<', row[:3000])
    assert "Chưa có huyện nào có số liệu" in words_of(html)  # the 2021-2025 district set


def test_dong_son_page_lists_the_22_model_village_registrations(login, unit_ids):
    html = login("thanhhoa").get(f"/units/{unit_ids['dong_son']}/?as_of=2020-08-05")
    html = html.content.decode()
    text = words_of(html)
    assert "Nông thôn mới kiểu mẫu năm 2020: 22 đơn vị đăng ký" in text
    assert "1 đã công nhận 4 đã thẩm định, trình công nhận 17 đang thực hiện" in text
    # Per commune: Đông Văn 1 recognized and 3 appraised, Đông Yên 1 appraised.
    assert re.search(r'>Xã Đông Văn</a></th><td class="num">1</td><td class="num">3</td>', html)
    assert re.search(r'>Xã Đông Yên</a></th><td class="num">.*?</td><td class="num">1</td>', html)
    assert "Thôn đăng ký thôn NTM kiểu mẫu 2019–2020" in text
    assert "Báo cáo: 22 thôn · Theo đăng ký đã nhập: 22 · khớp" in text


def test_ky_anh_lists_its_model_communes_with_their_fields(login, unit_ids):
    text = words(login("kyanh").get(f"/units/{unit_ids['ky_anh']}/?as_of=2022-04-15"))
    assert "1–2 xã kiểu mẫu đến năm 2023" in text
    assert "Xã Kỳ Châu — lĩnh vực nổi trội: Chuyển đổi số, xã thông minh" in text
    assert "Xã Kỳ Giang — lĩnh vực nổi trội: Sản xuất, Cảnh quan môi trường" in text


def test_english_transcriber_notes_are_folded_on_vietnamese_pages(login):
    html = login("admin").get("/criteria/commune-ntm-2021-2025/").content.decode()
    assert 'lang="en"><summary>Ghi chú khi chép dữ liệu (tiếng Anh)' in html
    assert '<p class="small muted">Transport guidance' not in html


def test_province_page_shows_report_003_figures_as_written(login, unit_ids):
    text = words(login("hatinh").get(f"/units/{unit_ids['ha_tinh']}/"))
    assert "7,942 tỷ đồng" in text and "6.801 người" in text
    assert "Ngày có báo cáo: 25/02/2020" in text


def test_ky_chau_timeline_has_no_zero_score_before_its_first_data(login):
    ky_chau = find_unit("18811", on=date(2022, 4, 15), level="commune").id
    html = login("kyanh").get(f"/units/{ky_chau}/").content.decode()
    timeline = words_of(html[html.index('id="timeline"') : html.index('id="recognitions"')])
    assert "19/19" in timeline and "Công nhận Nông thôn mới nâng cao" in timeline
    assert "0/19" not in timeline  # the recognitions of 2020 and 2022 came before any data
