"""Tables to XLSX: the same data, filters and scope as the pages; typed cells."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.recognition.models import Recognition
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.values import services

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    units = make_ky_anh()
    on = dt.date(2020, 6, 30)
    services.record_value(
        unit=units["ky_lac"], indicator_key="test-commune:10", observed_on=on, value=40.0,
        source="Báo cáo xã",
    )  # fmt: skip
    services.record_value(
        unit=units["ky_lac"], indicator_key="test-commune:1.1", observed_on=on, is_met=True
    )
    Recognition.objects.create(
        unit=units["ky_lac"],
        tier="standard",
        criteria_set=get_set("test-commune"),
        decision_number="123/QĐ-UBND",
        decision_date=dt.date(2020, 10, 1),
        issuer="UBND tỉnh Hà Tĩnh",
    )
    return units


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def table(sheet) -> tuple[list, list[list]]:
    """The header row (first row whose first cell is a column header) and the rows under it."""
    rows = [
        [c.date() if isinstance(c, dt.datetime) else c for c in r]
        for r in sheet.iter_rows(values_only=True)
    ]
    start = next(
        i for i, r in enumerate(rows) if r[0] and all(c is not None for c in r[:3]) and i > 2
    )
    return rows[start], rows[start + 1 :]


def test_children_overview_export_has_typed_cells_and_the_pages_choices(
    client, ky_anh, django_assert_max_num_queries
):
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    url = reverse("web:unit-children-xlsx", args=[ky_anh["district"].id])
    with django_assert_max_num_queries(30):
        response = client.get(url, {"as_of": "2020-12-31", "set": "test-commune", "sort": "-met"})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "Đơn vị trực thuộc Huyện Kỳ Anh"
    facts = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 8)}
    assert facts["Tại ngày"].date() == dt.date(2020, 12, 31)
    assert facts["Bộ tiêu chí"] == "Bộ tiêu chí xã (thử)"
    assert facts["Đạt chuẩn"] == "1/3 xã"
    assert facts["Sắp xếp"] == "-met"
    header, rows = table(sheet)
    assert header[:5] == ["Tên", "Mã", "Tiêu chí đạt", "Tổng số tiêu chí", "Đủ mọi tiêu chí"]
    first = rows[0]
    assert first[:4] == ["Xã Kỳ Lạc", "18850", 2, 4]  # sorted by criteria met, most first
    assert first[6:8] == ["123/QĐ-UBND", dt.date(2020, 10, 1)]
    assert sheet.freeze_panes == f"A{sheet.max_row - len(rows) + 1}"


def test_children_export_keeps_to_the_users_scope(client, ky_anh):
    client.force_login(make_user("kylac", role="data_entry", unit=ky_anh["ky_lac"]))
    url = reverse("web:unit-children-xlsx", args=[ky_anh["district"].id])
    assert client.get(url).status_code == 404


def test_unit_criteria_export_holds_numbers_thresholds_and_provenance(client, ky_anh):
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    url = reverse("web:unit-xlsx", args=[ky_anh["ky_lac"].id])
    sheet = sheet_of(client.get(url, {"as_of": "2020-12-31", "set": "test-commune"}))
    header, rows = table(sheet)
    by_code = {r[3]: r for r in rows if r[3]}
    income = by_code["10"]
    assert (income[5], income[6], income[7], income[8], income[9]) == (
        40, "triệu đồng/người/năm", "≥", 36, "Đạt",
    )  # fmt: skip
    assert income[11] == dt.date(2020, 6, 30) and income[12] == "Báo cáo xã"
    assert by_code["1.1"][9] == "Đạt"
    assert [r[0] for r in rows if not r[3]] == ["19"]  # a criterion without indicators


def test_public_recognitions_export_honours_the_filters(client, ky_anh):
    url = reverse("web:recognitions-xlsx")
    sheet = sheet_of(client.get(url, {"q": "ky lac", "tier": "standard"}))
    facts = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 7)}
    assert (facts["Mức"], facts["Tìm"], facts["Số quyết định"]) == ("Đạt chuẩn", "ky lac", 1)
    _header, rows = table(sheet)
    assert [r[:6] for r in rows] == [
        [
            "Xã Kỳ Lạc",
            "18850",
            "Huyện Kỳ Anh, Tỉnh Hà Tĩnh",
            "Đạt chuẩn",
            "123/QĐ-UBND",
            dt.date(2020, 10, 1),
        ]
    ]
    empty = sheet_of(client.get(url, {"q": "không có"}))
    assert table(empty)[1] == []


def test_criteria_set_export_has_a_row_per_threshold(client, ky_anh):
    client.force_login(make_user("viewer", role="viewer"))
    sheet = sheet_of(client.get(reverse("web:criteria-set-xlsx", args=["test-commune"])))
    _header, rows = table(sheet)
    income = [(r[8], r[9], r[10]) for r in rows if r[3] == "10"]
    assert income == [(45, "Mọi đơn vị", 2020), (36, "Bắc Trung Bộ", 2020)]
    assert [r[8] for r in rows if r[3] == "1.1"] == [None]
    assert client.get(reverse("web:criteria-set-xlsx", args=["nope"])).status_code == 404


def test_pages_link_to_their_excel_export(client, ky_anh):
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    children = client.get(
        reverse("web:unit-children", args=[ky_anh["district"].id]), {"as_of": "2020-12-31"}
    )
    assert 'data-testid="children-xlsx"' in children.content.decode()
    unit = client.get(reverse("web:unit", args=[ky_anh["ky_lac"].id]), {"as_of": "2020-12-31"})
    assert 'data-testid="criteria-xlsx"' in unit.content.decode()
    detail = client.get(reverse("web:criteria-set", args=["test-commune"]))
    assert 'data-testid="set-xlsx"' in detail.content.decode()
    public = client.get(reverse("web:recognitions"))
    assert 'data-testid="recognitions-xlsx"' in public.content.decode()
