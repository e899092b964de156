"""The values API: read a unit's values, post a batch (dry run or all or nothing), submit."""

import datetime as dt
import json

import pytest

from ntm.approvals.models import Submission
from ntm.audit.models import AuditEntry
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.values import services
from ntm.values.models import IndicatorValue

pytestmark = pytest.mark.django_db

D = dt.date
INCOME = "test-commune:10"


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    return make_ky_anh()


@pytest.fixture
def clerk_client(client, units):
    client.force_login(make_user("kylac", role="data_entry", unit=units["ky_lac"]))
    return client


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def batch(units, **extra):
    ky_lac = units["ky_lac"].pk
    return {
        "values": [
            {"unit_id": ky_lac, "indicator_key": INCOME, "period": "2021", "value": 38.5,
             "source": "Chi cục Thống kê"},
            {"unit_id": ky_lac, "indicator_key": "test-commune:2.1", "period": "2021",
             "numerator": 8, "denominator": 10},
            {"unit_id": ky_lac, "indicator_key": "test-commune:1.1",
             "observed_on": "2021-12-31", "is_met": True},
        ],
        **extra,
    }  # fmt: skip


def test_reading_values_gives_each_indicator_with_status_and_provenance(clerk_client, units):
    services.record_value(
        unit=units["ky_lac"], indicator_key=INCOME, observed_on=D(2021, 6, 30), value=38.0,
        source="Báo cáo xã",
    )  # fmt: skip
    response = clerk_client.get(f"/api/values/{units['ky_lac'].pk}?set=test-commune&period=2021")
    assert response.status_code == 200
    data = response.json()
    assert (data["period"], data["observed_on"], data["met"], data["total"]) == (
        "2021",
        "2021-12-31",
        1,
        4,
    )
    assert data["submission"] is None
    income = next(i for i in data["indicators"] if i["key"] == INCOME)
    assert income == {
        "key": INCOME, "code": "10", "criterion": "10", "name": "Thu nhập bình quân đầu người",
        "kind": "number", "unit": "triệu đồng/người/năm", "status": "met", "threshold": 36.0,
        "value": 38.0, "numerator": None, "denominator": None, "is_met": None,
        "value_id": income["value_id"],
        "observed_on": "2021-06-30", "is_this_period": False, "source": "Báo cáo xã", "note": "",
    }  # fmt: skip
    assert income["value_id"] is not None


def test_reading_needs_a_login_and_the_unit_in_scope(client, clerk_client, units):
    path = f"/api/values/{units['ky_tay'].pk}?set=test-commune&period=2021"
    assert clerk_client.get(path).status_code == 404
    client.logout()
    assert client.get(path).status_code == 401


def test_a_bad_period_or_set_is_refused_with_the_reason(clerk_client, units):
    base = f"/api/values/{units['ky_lac'].pk}"
    response = clerk_client.get(f"{base}?set=test-commune&period=2021-H3")
    assert response.status_code == 422 and "is not a period" in response.json()["detail"]
    assert clerk_client.get(f"{base}?set=khong-co&period=2021").status_code == 404


def test_dry_run_returns_the_plan_and_writes_nothing(clerk_client, units):
    response = post(clerk_client, "/api/values", batch(units, dry_run=True))
    assert response.status_code == 200
    plan = response.json()
    assert (plan["applied"], plan["dry_run"], plan["new"], plan["changed"]) == (
        False,
        True,
        3,
        0,
    )
    assert [c["where"] for c in plan["changes"]] == ["values[0]", "values[1]", "values[2]"]
    assert IndicatorValue.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_valid_batch_is_written_and_audited_as_coming_from_the_api(clerk_client, units):
    response = post(clerk_client, "/api/values", batch(units, reason="Nhập qua API"))
    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert IndicatorValue.objects.filter(observed_on=D(2021, 12, 31)).count() == 3
    entries = AuditEntry.objects.filter(action="value.create")
    assert {(e.channel, e.reason) for e in entries} == {("api", "Nhập qua API")}
    again = post(clerk_client, "/api/values", batch(units)).json()
    assert (again["unchanged"], again["new"]) == (3, 0)
    assert AuditEntry.objects.count() == 3


def test_a_batch_with_problems_writes_nothing_and_names_each_one(clerk_client, units):
    body = batch(units)
    body["values"][1]["numerator"] = 12  # over its denominator of 10
    body["values"][2] = {**body["values"][2], "is_met": None, "value": 1}  # judgement as number
    body["values"].append(
        {"unit_id": units["ky_tay"].pk, "indicator_key": INCOME, "period": "2021", "value": 40}
    )
    body["values"].append({"unit_id": units["ky_lac"].pk, "indicator_key": INCOME})
    response = post(clerk_client, "/api/values", body)
    assert response.status_code == 422
    problems = {p["where"]: p["message"] for p in response.json()["problems"]}
    assert problems == {
        "values[4]": "Give a period or observed_on.",
        "values[1]": "2.1 (Đường trục xã được cứng hóa): tử số (12) lớn hơn mẫu số (10).",
        "values[2]": "1.1 (Có quy hoạch) là chỉ tiêu đánh giá: ghi Đạt hoặc Chưa đạt, không ghi số.",
        "values[3]": "Đơn vị “Xã Kỳ Tây” nằm ngoài phạm vi được giao của tài khoản này.",
    }
    assert IndicatorValue.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_viewer_cannot_post_values(client, units):
    client.force_login(make_user("xem", role="viewer", unit=units["ky_lac"]))
    response = post(client, "/api/values", batch(units))
    assert response.status_code == 403
    assert "Vai trò “Xem” không được làm việc này" in response.json()["detail"]
    assert IndicatorValue.objects.count() == 0


def test_submitting_a_period_records_who_and_is_audited(clerk_client, units):
    path = f"/api/values/{units['ky_lac'].pk}/submit"
    response = post(clerk_client, path, {"set": "test-commune", "period": "2021"})
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["submitted_by"], data["period"]) == ("submitted", "kylac", "2021")
    assert Submission.objects.get().status == "submitted"
    assert AuditEntry.objects.filter(action="submission.create", channel="api").count() == 1
    back = post(clerk_client, path, {"set": "test-commune", "period": "2021", "status": "draft"})
    assert back.json()["status"] == "draft"
    assert AuditEntry.objects.filter(action="submission.reopen").count() == 1


def test_submitting_is_refused_outside_the_unit_life_scope_or_role(client, clerk_client, units):
    ky_lac = units["ky_lac"].pk
    gone = post(
        clerk_client, f"/api/values/{ky_lac}/submit", {"set": "test-commune", "period": "2026"}
    )
    assert gone.status_code == 422 and "không tồn tại vào ngày 31/12/2026" in gone.json()["detail"]
    other = post(clerk_client, f"/api/values/{units['ky_tay'].pk}/submit",
                 {"set": "test-commune", "period": "2021"})  # fmt: skip
    assert other.status_code == 404
    client.force_login(make_user("xem", role="viewer", unit=units["ky_lac"]))
    viewer = post(client, f"/api/values/{ky_lac}/submit", {"set": "test-commune", "period": "2021"})
    assert viewer.status_code == 403
    assert Submission.objects.count() == 0


def test_the_values_api_is_documented(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/values", "/api/values/{unit_id}", "/api/values/{unit_id}/submit"} <= set(
        schema["paths"]
    )
    assert "dry_run" in json.dumps(schema["components"]["schemas"]["BatchIn"])
