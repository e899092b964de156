"""Criteria set pages: list by level, thresholds by region and year, comparison of two sets."""

import copy

import pytest

from ntm.core.criteria.model import Comparator, IndicatorDef, IndicatorKind, ThresholdRow
from ntm.criteria.selectors import latest_sets
from ntm.criteria.services import DATA_DIR, load_criteria_sets
from ntm.criteria.views_criteria import needs_confirmation, threshold_table
from ntm.testing import COMMUNE_SET, DISTRICT_SET, VARIANT_SET, write_sets

# The commune set of the next period: income raised in BTB, a region row added, criterion 19
# dropped, a criterion 20 whose threshold has not been seen yet.
NEXT_SET = copy.deepcopy(COMMUNE_SET)
NEXT_SET.update(id="test-commune-next", name_vi="Bộ tiêu chí xã giai đoạn sau (thử)")
NEXT_SET["period"] = {"start": 2021, "end": 2025}
NEXT_SET["criteria"][2]["indicators"][0]["thresholds"] = [
    {"value": 45, "from_year": 2020},
    {"value": 42, "region": "BTB", "from_year": 2020},
    {"value": 60, "region": "DBSH", "from_year": 2020},
]
NEXT_SET["criteria"][3] = {
    "number": "20",
    "name_vi": "Chuyển đổi số",
    "indicators": [
        {
            "code": "20.1",
            "name_vi": "Tỷ lệ hộ dùng dịch vụ công trực tuyến",
            "kind": "number",
            "unit": "%",
            "comparator": ">=",
            "thresholds": [],
        }
    ],
}
NEXT_SET["revocation_key_criteria"] = ["10"]


@pytest.fixture
def sets(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, VARIANT_SET, NEXT_SET, DISTRICT_SET))


pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_list_groups_sets_by_level_with_counts(admin_client, sets):
    listing = page(admin_client, "/criteria/")
    assert 'name="a"' in listing and 'name="b"' in listing  # the compare form
    listing = listing[listing.index('id="level-commune"') :]  # after the compare form
    assert listing.index("Cấp xã") < listing.index("Bộ tiêu chí xã (thử)")
    assert listing.index("Bộ tiêu chí xã (thử)") < listing.index("Cấp huyện")
    assert listing.index("Cấp huyện") < listing.index("Bộ tiêu chí huyện (thử)")
    assert "Bộ tiêu chí xã của tỉnh (thử)" in listing and "mở rộng từ test-commune" in listing
    # The next set has one indicator with no threshold: counted as needing confirmation.
    assert 'Số chỉ tiêu chưa có ngưỡng từ văn bản">1</span>' in listing


def test_detail_shows_thresholds_by_region_and_year(admin_client, sets):
    detail = page(admin_client, "/criteria/test-commune/")
    assert "1980" not in detail  # no legal source in the test set: nothing invented
    assert "Thu nhập bình quân đầu người" in detail
    # Income: one row for every unit and one for Bắc Trung Bộ, from 2020, as a matrix.
    assert "Từ 2020" in detail and "Mọi đơn vị" in detail and "Bắc Trung Bộ" in detail
    assert "≥ 45" in detail and "≥ 36" in detail
    assert "≥ 100 %" in detail  # a single value reads as comparator, value, unit
    assert "Đánh giá đạt/chưa đạt" in detail  # 1.1 is a judgement
    assert "Chưa có chi tiết chỉ tiêu" in detail  # criterion 19 has no indicator detail
    assert "then chốt khi thu hồi" in detail  # criterion 10 is a revocation key criterion
    assert "Chưa có ngưỡng từ văn bản" not in detail  # every measured indicator has a row


def test_indicator_without_a_seen_threshold_needs_confirmation(admin_client, sets):
    detail = page(admin_client, "/criteria/test-commune-next/")
    assert "cần xác nhận" in detail
    assert "Chưa có ngưỡng từ văn bản; chỉ tiêu này chưa được dùng để đánh giá." in detail


def test_variant_shows_inherited_and_own_criteria_and_its_base(admin_client, sets):
    detail = page(admin_client, "/criteria/test-province-commune/")
    assert "Khu dân cư mẫu, vườn mẫu" in detail and "Giao thông" in detail
    assert 'href="/criteria/test-commune/?version=1"' in detail


def test_version_parameter_shows_that_version(admin_client, tmp_path):
    load_criteria_sets(write_sets(tmp_path / "v1", COMMUNE_SET))
    second = copy.deepcopy(COMMUNE_SET)
    second["version"] = 2
    second["criteria"][2]["indicators"][0]["thresholds"][1]["value"] = 38
    load_criteria_sets(write_sets(tmp_path / "v2", second))
    assert "≥ 38" in page(admin_client, "/criteria/test-commune/")
    first = page(admin_client, "/criteria/test-commune/?version=1")
    assert "≥ 36" in first and "≥ 38" not in first
    assert 'href="?version=2"' in first  # the other version is linked
    page(admin_client, "/criteria/test-commune/?version=9", status=404)


def test_unknown_set_is_a_404_in_vietnamese_listing_the_sets(admin_client, sets):
    missing = page(admin_client, "/criteria/nope/", status=404)
    assert "Không có bộ tiêu chí mã “nope”" in missing
    assert 'href="/criteria/test-commune/"' in missing


def test_compare_marks_added_removed_and_changed(admin_client, sets):
    compared = page(admin_client, "/criteria/compare/?a=test-commune&b=test-commune-next")
    assert "Tóm tắt thay đổi" in compared
    # Criterion 19 removed, 20 added, 10 changed (BTB 36 -> 42, DBSH added); 1 and 2 unchanged.
    assert 'id="criterion-19"' in compared and 'id="criterion-20"' in compared
    assert 'class="card diff-criterion diff-removed" id="criterion-19"' in compared
    assert 'class="card diff-criterion diff-added" id="criterion-20"' in compared
    assert 'class="card diff-criterion diff-changed" id="criterion-10"' in compared
    assert 'id="criterion-1"' not in compared  # unchanged criteria are hidden by default
    assert "≥ 36 triệu đồng/người/năm" in compared and "≥ 42 triệu đồng/người/năm" in compared
    assert '<tr class="diff-row-changed">' in compared and '<tr class="diff-row-added">' in compared
    with_same = page(admin_client, "/criteria/compare/?a=test-commune&b=test-commune-next&all=1")
    assert 'class="card diff-criterion diff-same" id="criterion-1"' in with_same


def test_compare_with_a_bad_or_missing_id_explains_instead_of_failing(admin_client, sets):
    form = page(admin_client, "/criteria/compare/")
    assert "So sánh bộ tiêu chí" in form and "Tóm tắt thay đổi" not in form
    bad = page(admin_client, "/criteria/compare/?a=test-commune&b=nope", status=404)
    assert "Không có bộ tiêu chí mã “nope”" in bad and "test-commune-next" in bad
    only_one = page(admin_client, "/criteria/compare/?a=test-commune")
    assert "Tóm tắt thay đổi" not in only_one


def test_every_real_set_renders_and_the_two_commune_periods_compare(admin_client):
    load_criteria_sets(DATA_DIR)
    for stored in latest_sets():
        page(admin_client, f"/criteria/{stored.set_id}/")
    compared = page(
        admin_client, "/criteria/compare/?a=commune-ntm-2016-2020&b=commune-ntm-2021-2025"
    )
    assert "1980/QĐ-TTg" in compared and "318/QĐ-TTg" in compared
    assert "Thủy lợi và phòng, chống thiên tai" in compared  # criterion 3 renamed


def test_threshold_table_puts_regions_in_rows_and_years_in_columns():
    rows = (
        ThresholdRow(value=41, region="DHNTB", from_year=2020),
        ThresholdRow(value=36, region="TDMNPB", from_year=2020),
        ThresholdRow(value=30, region="TDMNPB"),
        ThresholdRow(value=45, from_year=2020),
    )
    table = threshold_table(rows)
    assert table.years == (None, 2020)
    assert [line.code for line in table.lines] == ["", "TDMNPB", "DHNTB"]
    assert [c.value if c else None for c in table.lines[1].cells] == [30, 36]
    assert table.single is None
    assert threshold_table((ThresholdRow(value=80),)).single == ThresholdRow(value=80)
    assert threshold_table(()) is None


def test_a_needs_confirmation_indicator_is_a_measured_one_without_rows():
    judgement = IndicatorDef(key="k", code="1", name_vi="x", kind=IndicatorKind.JUDGEMENT)
    measured = IndicatorDef(
        key="k", code="2", name_vi="y", kind=IndicatorKind.NUMBER, comparator=Comparator.GE
    )
    assert not needs_confirmation(judgement)
    assert needs_confirmation(measured)
