"""The unit pages as a user meets them: home, search, a unit's status, its children."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ntm.criteria.selectors import applicable_sets, get_set
from ntm.criteria.services import load_criteria_sets
from ntm.programme.services import record_registration, record_sponsorship, record_target
from ntm.recognition.services import record_recognition, record_revocation
from ntm.reports.models import ReportedFigure
from ntm.testing import (
    ADVANCED_SET,
    COMMUNE_SET,
    DISTRICT_SET,
    VARIANT_SET,
    make_ky_anh,
    make_user,
    write_sets,
)
from ntm.units.models import AdminUnit, Department, ReorganizationEvent, Succession
from ntm.values.services import certify_criterion, record_value

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2020, 6, 30)

#: The national 2021-2025 commune set, in force from 8/3/2022 (as Decision 318/QĐ-TTg).
COMMUNE_2021_SET = {
    **COMMUNE_SET,
    "id": "test-commune-2021",
    "name_vi": "Bộ tiêu chí xã 2021-2025 (thử)",
    "period": {"start": 2021, "end": 2025},
    "legal_source": {"number": "318/QĐ-TTg", "date": "2022-03-08", "effective": "2022-03-08"},
}


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET, VARIANT_SET, DISTRICT_SET))
    found = make_ky_anh()
    event = ReorganizationEvent.objects.create(
        kind="merge",
        effective_date=D(2025, 7, 1),
        source="user",
        legal_act_number="1665/NQ-UBTVQH15",
        confidence="partial",
    )
    for old in (found["ky_lac"], found["lam_hop"]):
        Succession.objects.create(event=event, predecessor=old, successor=found["new_ky_lac"])
    return found


@pytest.fixture
def ky_lac_client(client, units):
    client.force_login(make_user("kylac", role="data_entry", unit=units["ky_lac"]))
    return client


def page(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text(html):
    """The page's visible text on one line, for assertions on what a user reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def met_total(html):
    return re.search(r'data-testid="met-total">([^<]*)<', html).group(1)


def enter(unit, key, on=DAY, **fields):
    return record_value(unit=unit, indicator_key=key, observed_on=on, **fields)


def certify(unit, key, on=DAY, **fields):
    fields.setdefault("is_met", True)
    return certify_criterion(unit=unit, criterion_key=key, certified_on=on, **fields)


def three_of_five(unit, on=DAY):
    """Kỳ Lạc under the provincial variant: 1, 19, 20 met; 2 not met (77 %); 10 missing."""
    enter(unit, "test-commune:1.1", on, is_met=True)
    enter(unit, "test-commune:2.1", on, numerator=7.7, denominator=10)
    certify(unit, "test-commune:19", on, document_number="12/CAH")
    enter(unit, "test-province-commune:20.1", on, is_met=True)


# --- Home and access ------------------------------------------------------------------


def test_home_lists_provinces_of_both_eras_for_a_national_user(admin_client, units):
    html = page(admin_client, "/")
    assert html.count("Tỉnh Hà Tĩnh") == 2
    assert "Từ 01/07/2025" in html and "Trước 01/07/2025" in html
    assert 'id="search"' in html and 'role="search"' in html


def test_home_sends_a_unit_user_to_their_unit(ky_lac_client, units):
    response = ky_lac_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/units/{units['ky_lac'].id}/"


def test_pages_render_for_a_national_and_a_scoped_user(admin_client, ky_lac_client, units):
    ky_lac = units["ky_lac"].id
    for url in (
        f"/units/{ky_lac}/",
        f"/units/{ky_lac}/?as_of=2020-06-30&set=test-commune",
        f"/units/{ky_lac}/children/",
        f"/units/{units['new_ky_lac'].id}/",
        "/search/?q=ky",
    ):
        page(admin_client, url)
        page(ky_lac_client, url)
    page(admin_client, f"/units/{units['district'].id}/children/")
    page(admin_client, f"/units/{units['province'].id}/")


def test_commune_user_cannot_open_or_find_another_commune(ky_lac_client, units):
    ky_tay = units["ky_tay"].id
    assert ky_lac_client.get(f"/units/{ky_tay}/").status_code == 404
    assert ky_lac_client.get(f"/units/{ky_tay}/children/").status_code == 404
    # Nor the district above them: its page would list Kỳ Tây.
    assert ky_lac_client.get(f"/units/{units['district'].id}/").status_code == 404
    assert ky_lac_client.get("/units/999999/").status_code == 404
    assert "Kỳ Tây" not in page(ky_lac_client, "/search/?q=ky tay")
    assert "Kỳ Tây" not in page(ky_lac_client, "/search/?q=ky")


def test_breadcrumb_links_only_ancestors_in_scope(admin_client, ky_lac_client, units):
    district = f'href="/units/{units["district"].id}/'
    assert district in page(admin_client, f"/units/{units['ky_lac'].id}/")
    mine = page(ky_lac_client, f"/units/{units['ky_lac'].id}/")
    assert "Huyện Kỳ Anh" in mine and district not in mine


# --- Search -----------------------------------------------------------------------------


def test_search_ignores_accents_and_case_and_labels_the_eras(admin_client, units):
    html = page(admin_client, "/search/?q=ky lac")
    assert html.count(">Xã Kỳ Lạc</a>") == 2
    assert "trước 01/07/2025" in html and "từ 01/07/2025" in html
    assert "Huyện Kỳ Anh, Tỉnh Hà Tĩnh" in text(html)
    assert "18850" in html and "18838" in html
    assert "Kỳ Tây" not in html
    assert page(admin_client, "/search/?q=KỲ LẠC").count(">Xã Kỳ Lạc</a>") == 2


def test_search_answers_htmx_with_the_results_only(admin_client, units):
    response = admin_client.get("/search/?q=ky lac", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.count(">Xã Kỳ Lạc</a>") == 2
    assert "HX-Request" in response["Vary"]
    full = page(admin_client, "/search/?q=ky lac")
    assert "<html" in full and 'hx-get="/search/"' in full and 'id="search-results"' in full


# --- Unit page --------------------------------------------------------------------------


def test_unit_page_counts_met_criteria_and_words_the_gaps(admin_client, units):
    three_of_five(units["ky_lac"])
    html = page(admin_client, f"/units/{units['ky_lac'].id}/?as_of=2021-09-25")
    assert met_total(html) == "3/5"
    words = text(html)
    assert "Bộ tiêu chí xã của tỉnh (thử)" in words
    assert "77 %" in words and "≥ 100 %" in words and "còn thiếu 23 %" in words
    assert "chưa có số liệu" in words  # income
    assert "(xác nhận: 12/CAH" in words  # criterion 19 certified with its document
    for label in ("Đạt", "Chưa đạt", "Thiếu số liệu"):
        assert f">{label}</span>" in html


def test_unit_page_shows_one_card_per_applicable_set_and_selects_the_province_variant(
    admin_client, units
):
    three_of_five(units["ky_lac"])
    url = f"/units/{units['ky_lac'].id}/?as_of=2020-06-30"
    html = page(admin_client, url)
    words = text(html)
    assert "3/5 tiêu chí đạt" in words  # the variant
    assert "2/4 tiêu chí đạt" in words  # the national set: 1 and 19
    # Advanced: no value at all, so "no data" rather than a misleading "0/1 met".
    assert "chưa có số liệu (1 tiêu chí)" in words and "0/1 tiêu chí đạt" not in words
    assert met_total(html) == "3/5"
    assert "set=test-commune#criteria" in html
    national = page(admin_client, url + "&set=test-commune")
    assert met_total(national) == "2/4"


def test_applicable_sets_carry_an_ended_set_until_its_successor_takes_effect(tmp_path, units):
    load_criteria_sets(write_sets(tmp_path / "more", COMMUNE_2021_SET))
    ky_lac = units["ky_lac"]

    def ids(on):
        return [s.set_id for s in applicable_sets(ky_lac, on)]

    assert ids(D(2020, 6, 30)) == ["test-province-commune", "test-commune", "test-commune-advanced"]
    # 2021: the 2016-2020 set still applies; the 2021-2025 set is listed but not yet in force.
    assert ids(D(2021, 9, 25)) == [
        "test-province-commune",
        "test-commune",
        "test-commune-2021",
        "test-commune-advanced",
    ]
    assert "test-commune" not in ids(D(2022, 6, 1))
    # A district gets district sets; a province of another code no provincial variant.
    assert [s.set_id for s in applicable_sets(units["district"], DAY)] == ["test-district"]
    other = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user",
    )  # fmt: skip
    commune = AdminUnit.objects.create(
        code="1", name="Xã Đông Văn", short_name="Đông Văn", kind="commune", level="commune",
        parent=other, source="user",
    )  # fmt: skip
    assert "test-province-commune" not in [s.set_id for s in applicable_sets(commune, DAY)]


def test_unit_page_defaults_to_the_last_day_of_an_ended_unit(admin_client, units):
    html = page(admin_client, f"/units/{units['ky_lac'].id}/")
    assert 'value="2025-06-30"' in html
    bad = page(admin_client, f"/units/{units['ky_lac'].id}/?as_of=31-12-2021")
    assert "không hợp lệ" in bad and 'value="2025-06-30"' in bad


def test_numbers_follow_the_language(admin_client, units):
    enter(units["ky_lac"], "test-commune:10", value=23.5)
    url = f"/units/{units['ky_lac'].id}/?as_of=2020-06-30&set=test-commune"
    vi = text(page(admin_client, url))
    assert "23,5 triệu đồng/người/năm" in vi and "còn thiếu 12,5 triệu đồng/người/năm" in vi
    en = text(page(admin_client, url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "23.5 triệu đồng/người/năm" in en and "12.5 triệu đồng/người/năm" in en
    assert "23,5" not in en


def test_demo_data_is_labelled(admin_client, units):
    url = f"/units/{units['ky_lac'].id}/?as_of=2020-06-30&set=test-commune"
    enter(units["ky_lac"], "test-commune:10", value=40, source="báo cáo xã")
    assert "Dữ liệu demo" not in page(admin_client, url)
    enter(units["ky_lac"], "test-commune:10", value=40, source="demo: số liệu minh họa")
    html = page(admin_client, url)
    assert 'data-testid="demo-badge"' in html and "Dữ liệu demo" in html


def test_timeline_lists_the_dates_something_changed(admin_client, units):
    ky_lac = units["ky_lac"]
    enter(ky_lac, "test-commune:1.1", D(2019, 3, 1), is_met=True)
    certify(ky_lac, "test-commune:19", D(2020, 3, 1))
    recognition = record_recognition(
        unit=ky_lac, tier="standard", decision_number="218/QĐ-UBND",
        decision_date=D(2020, 5, 15), issuer="UBND tỉnh Hà Tĩnh",
    )  # fmt: skip
    record_revocation(
        recognition=recognition, decision_number="9/QĐ-UBND", decision_date=D(2020, 6, 1)
    )
    enter(ky_lac, "test-commune:10", D(2020, 12, 31), value=50)  # after the page's date
    words = text(page(admin_client, f"/units/{ky_lac.id}/?as_of=2020-06-30&set=test-commune"))
    timeline = words[words.index("Diễn biến") : words.index("Công nhận và thu hồi")]
    assert re.findall(r"\d\d/\d\d/\d{4}", timeline) == [
        "01/06/2020",
        "15/05/2020",
        "01/03/2020",
        "01/03/2019",
    ]
    assert "Công nhận Đạt chuẩn nông thôn mới (218/QĐ-UBND)" in timeline
    assert "Thu hồi công nhận Đạt chuẩn nông thôn mới (9/QĐ-UBND)" in timeline
    assert "2/4 +1 Đạt thêm tiêu chí: 19" in timeline
    assert "31/12/2020" not in timeline
    assert "Đã thu hồi" in words


def test_recognitions_targets_registrations_and_sponsor(admin_client, units):
    district, ky_lac = units["district"], units["ky_lac"]
    record_recognition(
        unit=ky_lac, tier="standard", decision_number="218/QĐ-UBND",
        decision_date=D(2021, 1, 15), issuer="UBND tỉnh Hà Tĩnh",
        criteria_set=get_set("test-province-commune"),
    )  # fmt: skip
    record_target(unit=ky_lac, tier="standard", year=2021)
    record_registration(
        unit=ky_lac, tier="advanced", year=2023, status="appraised", status_on=D(2023, 6, 1)
    )
    sponsor = Department.objects.create(name="Sở Khoa học và Công nghệ", unit=units["province"])
    record_sponsorship(unit=ky_lac, sponsor=sponsor)
    words = text(page(admin_client, f"/units/{ky_lac.id}/?as_of=2021-09-25"))
    assert "218/QĐ-UBND" in words and "15/01/2021" in words and "UBND tỉnh Hà Tĩnh" in words
    assert "Đang có hiệu lực" in words and "Bộ tiêu chí xã của tỉnh (thử)" in words
    assert "Đạt chuẩn nông thôn mới năm 2021" in words
    assert "Đã thẩm định, trình công nhận" in words
    assert "Sở Khoa học và Công nghệ" in words

    record_target(unit=district, tier="advanced", year=2023, child_level="commune", child_count=8)
    record_target(
        unit=district, tier="model", year=2023, child_level="commune", child_count=1,
        child_count_max=2, fields_of_excellence="Chuyển đổi số, Du lịch ven biển",
    )  # fmt: skip
    words = text(page(admin_client, f"/units/{district.id}/?as_of=2022-04-15"))
    assert "8 xã nâng cao đến năm 2023" in words
    assert "1–2 xã kiểu mẫu đến năm 2023" in words
    assert "Lĩnh vực nổi trội: Chuyển đổi số; Du lịch ven biển" in words


def test_reported_figures_stand_beside_the_computed_ones(admin_client, units):
    district = units["district"]
    record_recognition(
        unit=units["ky_lac"], tier="standard", decision_number="1/QĐ", decision_date=D(2020, 1, 5)
    )
    for metric, label, value in (
        ("communes_total", "Số xã trên địa bàn", 4),
        ("communes_standard", "Số xã đạt chuẩn NTM", 1),
        ("road_km_widened", "Mở rộng đường giao thông nông thôn", 15.5),
    ):
        ReportedFigure.objects.create(
            unit=district, metric=metric, label=label, value=value, reported_on=D(2021, 1, 20),
            source="Báo cáo 004", unit_of_measure="km" if metric == "road_km_widened" else "",
        )  # fmt: skip
    words = text(page(admin_client, f"/units/{district.id}/"))
    assert "Báo cáo: 4 · Danh mục tại ngày 20/01/2021: 3 · chênh lệch 1" in words
    assert "Báo cáo: 1 · Theo quyết định công nhận đã nhập: 1 · khớp" in words
    assert "15,5 km" in words


def test_successor_links_follow_ky_lac_into_2025_and_back(admin_client, ky_lac_client, units):
    old, new = units["ky_lac"], units["new_ky_lac"]
    html = page(admin_client, f"/units/{old.id}/")
    link = re.search(r'<a class="successor-link"[^>]*href="([^"]+)"', html)
    assert link and link.group(1) == f"/units/{new.id}/"
    assert "Sáp nhập" in html and "1665/NQ-UBTVQH15" in html and "Xác minh một phần" in html
    back = page(admin_client, link.group(1))
    assert f'href="/units/{old.id}/"' in back and f'href="/units/{units["lam_hop"].id}/"' in back
    # A Kỳ Lạc user follows into 2025 but sees Lâm Hợp, not theirs, as plain text.
    scoped = page(ky_lac_client, link.group(1))
    assert "Xã Lâm Hợp" in scoped and f'href="/units/{units["lam_hop"].id}/"' not in scoped


def test_a_2025_commune_shows_its_predecessors_recognitions(admin_client, units):
    record_recognition(
        unit=units["lam_hop"], tier="standard", decision_number="218/QĐ-UBND",
        decision_date=D(2021, 1, 15),
    )  # fmt: skip
    words = text(page(admin_client, f"/units/{units['new_ky_lac'].id}/"))
    assert "Công nhận của các đơn vị trước sắp xếp" in words
    assert "Xã Lâm Hợp" in words and "218/QĐ-UBND" in words


# --- Children overview ------------------------------------------------------------------


@pytest.fixture
def ky_anh_on_2020(units):
    """Kỳ Lạc 3/4 recognized standard, Lâm Hợp 2/4 advanced, Kỳ Tây nothing."""
    ky_lac, lam_hop = units["ky_lac"], units["lam_hop"]
    enter(ky_lac, "test-commune:1.1", is_met=True)
    enter(ky_lac, "test-commune:2.1", numerator=10, denominator=10)
    enter(ky_lac, "test-commune:10", value=20)
    certify(ky_lac, "test-commune:19")
    enter(lam_hop, "test-commune:1.1", is_met=True)
    certify(lam_hop, "test-commune:19")
    record_recognition(
        unit=ky_lac, tier="standard", decision_number="1/QĐ", decision_date=D(2020, 1, 5)
    )
    record_recognition(
        unit=lam_hop, tier="advanced", decision_number="2/QĐ", decision_date=D(2020, 2, 5)
    )
    record_target(unit=units["ky_tay"], tier="standard", year=2021)
    return units


def child_names(html):
    return re.findall(r'<td[^>]*><a href="/units/\d+/\?as_of=[^"]*">([^<]+)</a>', html)


def test_children_overview_totals_and_rows(admin_client, ky_anh_on_2020):
    url = f"/units/{ky_anh_on_2020['district'].id}/children/?as_of=2020-06-30&set=test-commune"
    html = page(admin_client, url)
    words = text(html)
    assert "2/3 xã đạt chuẩn, 1 xã nâng cao" in words
    # Kỳ Tây has no data: a dash, not "0/4", and the average is over the two others.
    assert re.search(r'data-testid="average-met">2,5/4<', html)
    assert child_names(html) == ["Xã Kỳ Lạc", "Xã Kỳ Tây", "Xã Lâm Hợp"]
    cells = re.findall(r'data-testid="child-met"[^>]*>(.*?)</td>', html)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == ["3/4", "—", "2/4"]
    assert "10. Thu nhập" in words  # Kỳ Lạc's unmet criterion
    assert "2021" in words  # Kỳ Tây's target year


def test_children_overview_sorts_on_the_server(admin_client, ky_anh_on_2020):
    base = f"/units/{ky_anh_on_2020['district'].id}/children/?as_of=2020-06-30&set=test-commune"
    by_met = page(admin_client, base + "&sort=-met")
    assert child_names(by_met) == ["Xã Kỳ Lạc", "Xã Lâm Hợp", "Xã Kỳ Tây"]
    assert 'aria-sort="descending"' in by_met and "sort=met" in by_met
    by_tier = page(admin_client, base + "&sort=-tier")
    assert child_names(by_tier) == ["Xã Lâm Hợp", "Xã Kỳ Lạc", "Xã Kỳ Tây"]
    by_target = page(admin_client, base + "&sort=target")
    assert child_names(by_target)[0] == "Xã Kỳ Tây"
    by_name = page(admin_client, base + "&sort=-name")
    assert child_names(by_name) == ["Xã Lâm Hợp", "Xã Kỳ Tây", "Xã Kỳ Lạc"]
    assert page(admin_client, base + "&sort=nonsense").count('aria-sort="ascending"') == 1


def test_children_overview_lists_only_children_in_scope(client, ky_anh_on_2020):
    client.force_login(make_user("kyanh", unit=ky_anh_on_2020["district"]))
    html = page(client, f"/units/{ky_anh_on_2020['district'].id}/children/?as_of=2020-06-30")
    assert child_names(html) == ["Xã Kỳ Lạc", "Xã Kỳ Tây", "Xã Lâm Hợp"]
    client.force_login(make_user("kylac2", unit=ky_anh_on_2020["ky_lac"]))
    assert client.get(f"/units/{ky_anh_on_2020['district'].id}/children/").status_code == 404


def test_children_overview_queries_do_not_grow_with_the_children(
    admin_client, ky_anh_on_2020, django_assert_max_num_queries
):
    district = ky_anh_on_2020["district"]
    url = f"/units/{district.id}/children/?as_of=2020-06-30&set=test-commune&sort=-met"
    admin_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        page(admin_client, url)
    for n in range(6):
        commune = AdminUnit.objects.create(
            code=f"9{n}", name=f"Xã Thử {n}", short_name=f"Thử {n}", kind="commune",
            level="commune", parent=district, source="user", region="BTB",
        )  # fmt: skip
        enter(commune, "test-commune:1.1", is_met=True)
        certify(commune, "test-commune:19")
        record_recognition(
            unit=commune, tier="standard", decision_number=f"{n}/QĐ", decision_date=D(2020, 1, 1)
        )
        record_target(unit=commune, tier="advanced", year=2025)
    with django_assert_max_num_queries(len(few)):
        html = page(admin_client, url)
    assert "8/9 xã đạt chuẩn" in text(html)


def test_unit_page_points_to_the_last_day_with_data(admin_client, units):
    three_of_five(units["ky_lac"], D(2021, 9, 25))
    html = page(admin_client, f"/units/{units['ky_lac'].id}/?as_of=2021-01-01")
    assert "Xem tại ngày có số liệu gần nhất (25/09/2021)" in text(html)
    assert 'href="?as_of=2021-09-25"' in html


def test_townships_are_listed_apart_from_the_communes_assessed(admin_client, ky_anh_on_2020):
    district = ky_anh_on_2020["district"]
    AdminUnit.objects.create(
        code="18900", name="Thị trấn Kỳ Đồng", short_name="Kỳ Đồng", kind="township",
        level="commune", parent=district, source="user",
    )  # fmt: skip
    html = page(admin_client, f"/units/{district.id}/children/?as_of=2020-06-30&set=test-commune")
    assert "2/3 xã đạt chuẩn" in text(html)
    assert "Thị trấn Kỳ Đồng" not in child_names(html)
    assert "Không thuộc diện xét nông thôn mới (đơn vị đô thị): Thị trấn Kỳ Đồng" in text(html)
