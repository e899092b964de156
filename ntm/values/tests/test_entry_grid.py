"""The bulk grid: chosen indicators across the communes under a unit, checked together,
saved in one write only when every cell is valid; queries do not grow with communes."""

import datetime as dt
import re

import pytest

from ntm.audit.models import AuditEntry
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.units.models import AdminUnit
from ntm.values import services
from ntm.values.models import IndicatorValue

pytestmark = pytest.mark.django_db

D = dt.date
YEAR_END = D(2021, 12, 31)
INCOME, ROADS, PLAN = "test-commune:10", "test-commune:2.1", "test-commune:1.1"


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    return make_ky_anh()


@pytest.fixture
def district_client(client, units):
    client.force_login(make_user("kyanh", role="approver", unit=units["district"]))
    return client


def grid_url(unit, indicators="10,2.1,1.1", period="2021"):
    return f"/units/{unit.pk}/grid/?set=test-commune&period={period}&indicators={indicators}"


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def cell(unit, code, part=""):
    suffix = {"": "", "n": "-n", "d": "-d"}[part]
    return f"c-{unit.pk}-{code.replace('.', '-')}{suffix}"


def pasted(units, **overrides):
    """The grid as posted after pasting three columns from Excel (Vietnamese format)."""
    ky_lac, ky_tay, lam_hop = units["ky_lac"], units["ky_tay"], units["lam_hop"]
    data = {
        cell(ky_lac, "10"): "38,5",
        cell(ky_tay, "10"): "29,8",
        cell(lam_hop, "10"): "41",
        cell(ky_lac, "2.1", "n"): "8",
        cell(ky_lac, "2.1", "d"): "10,3",
        cell(ky_tay, "2.1", "n"): "",
        cell(ky_tay, "2.1", "d"): "",
        cell(lam_hop, "2.1", "n"): "12",
        cell(lam_hop, "2.1", "d"): "12",
        cell(ky_lac, "1.1"): "Đạt",
        cell(ky_tay, "1.1"): "chưa đạt",
        cell(lam_hop, "1.1"): "",
        "source": "Rà soát của huyện, tháng 12/2021",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_grid_lists_the_communes_in_force_with_current_values(district_client, units):
    services.record_value(
        unit=units["ky_tay"], indicator_key=INCOME, observed_on=D(2021, 6, 30), value=29.8
    )
    response = district_client.get(grid_url(units["district"]))
    assert response.status_code == 200
    body, html = text(response), response.content.decode()
    for name in ("Xã Kỳ Lạc", "Xã Kỳ Tây", "Xã Lâm Hợp"):
        assert name in body
    assert f'name="{cell(units["ky_tay"], "10")}" value="29,8"' in html
    assert "Yêu cầu: ≥ 36 triệu đồng/người/năm" in body
    assert "3 xã." in body
    # Lâm Hợp did not exist in 2018: the grid of that year leaves it out.
    assert "Xã Lâm Hợp" not in text(district_client.get(grid_url(units["district"], period="2018")))


def test_a_pasted_grid_is_saved_in_one_write_with_the_grid_source(district_client, units):
    response = district_client.post(grid_url(units["district"]), pasted(units))
    assert response.status_code == 302
    values = {
        (v.unit_id, v.indicator_key): v
        for v in IndicatorValue.objects.filter(is_current=True, observed_on=YEAR_END)
    }
    assert len(values) == 7
    assert values[(units["ky_lac"].pk, INCOME)].value == 38.5
    assert (values[(units["lam_hop"].pk, ROADS)].numerator,) == (12.0,)
    assert values[(units["ky_tay"].pk, PLAN)].is_met is False
    assert {v.source for v in values.values()} == {"Rà soát của huyện, tháng 12/2021"}
    assert AuditEntry.objects.filter(action="value.create", channel="web").count() == 7
    assert "Đã lưu 7 giá trị từ bảng nhập." in text(district_client.get(response.url))


def test_the_same_grid_posted_again_writes_nothing(district_client, units):
    district_client.post(grid_url(units["district"]), pasted(units))
    before = (IndicatorValue.objects.count(), AuditEntry.objects.count())
    # What the page shows now is what it posts back: nothing differs from the values in force.
    response = district_client.post(grid_url(units["district"]), pasted(units))
    assert response.status_code == 200
    assert "Không có ô nào thay đổi" in text(response)
    assert (IndicatorValue.objects.count(), AuditEntry.objects.count()) == before


def test_check_reports_what_would_be_saved_and_writes_nothing(district_client, units):
    response = district_client.post(grid_url(units["district"]), pasted(units, action="check"))
    assert response.status_code == 200
    assert "Bảng hợp lệ: sẽ lưu 7 giá trị (7 mới, 0 sửa)." in text(response)
    assert IndicatorValue.objects.count() == 0


def test_invalid_cells_are_marked_with_their_reason_and_nothing_is_saved(district_client, units):
    bad = pasted(
        units,
        **{
            cell(units["ky_tay"], "10"): "-5",
            cell(units["lam_hop"], "2.1", "n"): "14",
            cell(units["lam_hop"], "1.1"): "7",
            cell(units["ky_lac"], "10"): "abc",
        },
    )
    response = district_client.post(grid_url(units["district"]), bad)
    assert response.status_code == 200
    body = text(response)
    assert "Chưa lưu gì: 4 ô có lỗi." in body
    assert "Xã Kỳ Tây, 10 : 10 (Thu nhập bình quân đầu người): giá trị -5 không được âm." in body
    assert "tử số (14) lớn hơn mẫu số (12)" in body
    assert "“7”: chỉ tiêu đánh giá ghi Đạt hoặc Chưa đạt, không ghi số." in body
    assert "“abc” không phải là số." in body
    html = response.content.decode()
    assert html.count('class="cell is-invalid') == 5  # the ratio marks both of its cells
    assert f'name="{cell(units["ky_tay"], "10")}" value="-5"' in html  # kept to be corrected
    assert IndicatorValue.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_an_unknown_indicator_is_named(district_client, units):
    body = text(district_client.get(grid_url(units["district"], indicators="10,99")))
    assert "Bộ tiêu chí không có chỉ tiêu: 99." in body


def test_without_indicators_the_grid_offers_the_set_indicators(district_client, units):
    body = text(district_client.get(grid_url(units["district"], indicators="")))
    assert "Chọn chỉ tiêu để nhập cho các xã" in body and "Bảng sẽ có 3 xã." in body


def test_the_grid_holds_only_communes_in_the_user_scope(client, units):
    client.force_login(make_user("kylac", role="data_entry", unit=units["ky_lac"]))
    assert client.get(grid_url(units["district"])).status_code == 404
    response = client.get(grid_url(units["ky_lac"]))
    assert response.status_code == 200
    assert "Xã Kỳ Tây" not in text(response)
    forged = client.post(
        grid_url(units["ky_lac"]), {cell(units["ky_tay"], "10"): "50", "action": "save"}
    )
    # A cell of another commune is not read at all: nothing changed, nothing written.
    assert forged.status_code == 200 and "Không có ô nào thay đổi" in text(forged)
    assert IndicatorValue.objects.count() == 0


def test_a_viewer_cannot_use_the_grid(client, units):
    client.force_login(make_user("xem", role="viewer", unit=units["district"]))
    response = client.post(grid_url(units["district"]), pasted(units))
    assert response.status_code == 403
    assert IndicatorValue.objects.count() == 0


def _communes(district, count):
    AdminUnit.objects.bulk_create(
        [
            AdminUnit(
                code=f"9{district.pk:02d}{n:03d}",
                name=f"Xã Thử {district.pk}-{n:03d}",
                short_name=f"Thử {n}",
                kind="commune",
                level="commune",
                parent=district,
                region="BTB",
                source="user",
            )
            for n in range(count)
        ]
    )


def _grid_queries(client, province, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        page = client.get(grid_url(province, indicators="10,2.1"))
    assert page.status_code == 200
    rows = list(AdminUnit.objects.filter(level="commune", parent__parent=province))
    data = {"source": "Cục Thống kê", "action": "save"}
    for n, unit in enumerate(rows):
        data[f"c-{unit.pk}-10"] = f"{36 + n % 10},5"
        data[f"c-{unit.pk}-2-1-n"] = "9"
        data[f"c-{unit.pk}-2-1-d"] = "10"
    with django_assert_max_num_queries(limit + 13):
        saved = client.post(grid_url(province, indicators="10,2.1"), data)
    assert saved.status_code == 302
    return len(rows)


def test_a_province_grid_of_220_communes_takes_a_fixed_number_of_queries(
    client, units, django_assert_max_num_queries
):
    province = units["province"]
    districts = [
        AdminUnit.objects.create(
            code=f"99{n}", name=f"Huyện Thử {n}", short_name=f"Thử {n}", kind="rural_district",
            level="district", parent=province, region="BTB", source="user",
        )
        for n in range(2)
    ]  # fmt: skip
    for district in districts:
        _communes(district, 110)
    client.force_login(make_user("hatinh", role="approver", unit=province))
    count = _grid_queries(client, province, django_assert_max_num_queries, 30)
    assert count == 223  # 220 new communes and the three of Kỳ Anh
    assert IndicatorValue.objects.filter(observed_on=YEAR_END).count() == 2 * count
    page = client.get(grid_url(province, indicators="10,2.1"))
    assert 'value="36,5"' in page.content.decode()
    assert "Huyện Thử 1" in text(page)  # communes grouped under their district
