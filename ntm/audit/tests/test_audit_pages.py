"""The audit trail pages: who sees what, per unit, user and record, filters, pages, exports."""

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor, Change, record_change
from ntm.programme.services import record_target
from ntm.testing import make_ky_anh, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    units = make_ky_anh()
    users = {
        "hatinh": make_user("hatinh", role="approver", unit=units["province"]),
        "kyanh": make_user("kyanh", role="approver", unit=units["district"]),
        "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"]),
        "kytay": make_user("kytay", role="data_entry", unit=units["ky_tay"]),
    }
    for name, unit in (("kylac", units["ky_lac"]), ("kytay", units["ky_tay"])):
        record_target(
            unit=unit, tier="standard", year=2021,
            actor=Actor(user=users[name], ip_address="10.0.0.1", channel="web"),
        )  # fmt: skip
    record_change(
        Actor(user=users["kyanh"], channel="web"),
        Change(action="user.update", object_type="auth.user", object_id=str(users["kylac"].pk),
               unit_id=units["ky_lac"].pk, unit_label="Xã Kỳ Lạc", summary="role",
               old={"role": "viewer"}, new={"role": "data_entry"}),
    )  # fmt: skip
    record_change(
        Actor(user=users["kyanh"], channel="web"),
        Change(action="user.update", object_type="auth.user", object_id=str(users["kytay"].pk),
               unit_id=units["ky_tay"].pk, unit_label="Xã Kỳ Tây", summary="role"),
    )  # fmt: skip
    return {**units, **users}


def seen(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    body = response.content.decode()
    rows = re.findall(
        r"<tr>\s*<td class=\"nowrap\">[^<]+</td>\s*<td class=\"audit-who\"[^>]*><strong>([^<]+)</strong>.*?<td data-label=\"[^\"]+\">([^<]+)",
        body,
        re.S,
    )
    return [(who, label.strip()) for who, label in rows]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_commune_user_sees_its_unit_only_without_others_account_changes(world):
    rows = seen(signed_in(world["kylac"]), "/audit/")
    assert rows == [("kyanh", "Sửa người dùng"), ("kylac", "Ghi mục tiêu")]
    rows_tay = seen(signed_in(world["kytay"]), "/audit/")
    assert rows_tay == [("kyanh", "Sửa người dùng"), ("kytay", "Ghi mục tiêu")]


def test_an_office_sees_its_scope_and_a_unit_page_shows_what_is_below(world):
    client = signed_in(world["kyanh"])
    assert len(seen(client, "/audit/")) == 4
    assert seen(client, f"/units/{world['ky_tay'].pk}/audit/") == [
        ("kyanh", "Sửa người dùng"),
        ("kytay", "Ghi mục tiêu"),
    ]
    assert len(seen(client, f"/units/{world['district'].pk}/audit/")) == 4


def test_a_unit_outside_the_scope_is_a_404_on_the_trail_and_its_export(world):
    client = signed_in(world["kylac"])
    assert client.get(f"/units/{world['ky_tay'].pk}/audit/").status_code == 404
    assert client.get("/audit/export.csv", {"unit": world["ky_tay"].pk}).status_code == 404
    assert Client().get("/audit/").status_code == 302  # anonymous: to the login page


def test_filters_by_actor_action_kind_record_and_date(world):
    client = signed_in(world["hatinh"])
    assert seen(client, "/audit/", actor=world["kylac"].pk) == [("kylac", "Ghi mục tiêu")]
    assert len(seen(client, "/audit/", action="target.record")) == 2
    assert len(seen(client, "/audit/", kind="users")) == 2
    record = seen(client, "/audit/", object_type="auth.user", object_id=world["kytay"].pk)
    assert record == [("kyanh", "Sửa người dùng")]
    today = timezone.localdate()
    assert len(seen(client, "/audit/", **{"from": today.isoformat()})) == 4
    assert seen(client, "/audit/", to=(today - dt.timedelta(days=1)).isoformat()) == []
    bad = client.get("/audit/", {"from": "hôm qua"})
    assert "không phải ngày" in bad.content.decode()


def test_the_trail_page_makes_a_fixed_number_of_queries_and_pages_by_50(
    world, django_assert_max_num_queries
):
    actor = Actor(user=world["kylac"], channel="api")
    for n in range(120):
        record_change(actor, Change(action="value.create", unit_id=world["ky_lac"].pk,
                                    unit_label="Xã Kỳ Lạc", summary=f"v{n}", new={"value": n}))  # fmt: skip
    client = signed_in(world["hatinh"])
    with django_assert_max_num_queries(14):
        response = client.get("/audit/", {"page": 2})
    body = response.content.decode()
    assert "124 mục nhật ký" in body and "trang 2/3" in body
    assert body.count('class="audit-who"') == 50


def test_csv_and_xlsx_exports_follow_the_filters_and_neutralize_formulas(world):
    record_change(
        Actor(user=world["kylac"], channel="web"),
        Change(action="value.create", unit_id=world["ky_lac"].pk, unit_label="Xã Kỳ Lạc",
               summary="=HYPERLINK(\"http://x\")"),
        reason="@SUM(A1)",
    )  # fmt: skip
    client = signed_in(world["kyanh"])
    response = client.get("/audit/export.csv", {"unit": world["ky_lac"].pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Thời điểm", "Người thực hiện", "Kênh", "Địa chỉ IP", "Thao tác"]
    assert [(r[1], r[5]) for r in rows[1:]] == [
        ("kylac", "value.create"), ("kyanh", "user.update"), ("kylac", "target.record"),
    ]  # fmt: skip
    assert rows[1][10] == '\'=HYPERLINK("http://x")' and rows[1][13] == "'@SUM(A1)"
    xlsx = client.get("/audit/export.xlsx", {"unit": world["ky_lac"].pk, "kind": "users"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == "kyanh"]
    assert [(v[4], v[5], v[6]) for v in values] == [("Sửa người dùng", "user.update", "Xã Kỳ Lạc")]
    assert client.get("/audit/export.pdf").status_code == 404


def test_the_unit_page_links_to_its_trail_and_a_user_page_to_theirs(world):
    client = signed_in(world["kyanh"])
    unit_page = client.get(f"/units/{world['ky_lac'].pk}/").content.decode()
    assert f'href="/units/{world["ky_lac"].pk}/audit/" data-testid="audit-link"' in unit_page
    user_page = client.get(f"/users/{world['kylac'].pk}/").content.decode()
    assert f'href="/audit/?actor={world["kylac"].pk}"' in user_page
    assert AuditEntry.objects.count() == 4
