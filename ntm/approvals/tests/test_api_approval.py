"""The approvals API: every step, the state and history, the queue, responsibilities;
status codes for each refusal, and nothing changed after one."""

from __future__ import annotations

import json

import pytest

from ntm.approvals.models import CriterionResponsibility, Submission
from ntm.approvals.tests.approval_world import World, world
from ntm.audit.models import AuditEntry
from ntm.units.models import Department

__all__ = ["world"]

PERIOD = {"set": "test-commune", "period": "2021"}


def post(client, path: str, payload: dict | None = None, method: str = "post"):
    return getattr(client, method)(path, json.dumps(payload or {}), content_type="application/json")


def step(client, w: World, name: str, **extra):
    return post(client, f"/api/approvals/{w.units['ky_lac'].pk}/{name}", {**PERIOD, **extra})


def login(client, w: World, username: str):
    client.force_login(w.users[username])
    return client


def snapshot() -> tuple:
    return list(Submission.objects.values()), AuditEntry.objects.count()


def test_the_whole_flow_through_the_api(client, world):
    response = step(login(client, world, "kylac"), world, "submit")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["submitted_by"], body["actions"]) == (
        "submitted",
        "kylac",
        ["withdraw"],
    )
    assert [c["department"] for c in body["criteria"]] == [
        "Sở Y tế Hà Tĩnh", "Sở Giao thông Vận tải Hà Tĩnh", None, None,
    ]  # fmt: skip
    assert AuditEntry.objects.get(action="submission.submit").channel == "api"

    body = step(login(client, world, "sogtvt"), world, "verify", criteria=["2"]).json()
    assert [c["verified_by"] for c in body["criteria"]] == [None, "sogtvt", None, None]
    assert body["you_may_verify"] == []

    login(client, world, "kyanh")
    body = step(client, world, "verify", comment="Theo văn bản của Sở Y tế").json()
    assert body["status"] == "verified"
    assert [c["on_behalf"] for c in body["criteria"]] == [True, False, False, False]
    assert step(client, world, "approve").json()["status"] == "approved"
    body = step(client, world, "lock").json()
    assert (body["status"], body["locked_by"], body["actions"]) == ("locked", "kyanh", ["unlock"])
    body = post(client, f"/api/approvals/{world.units['ky_lac'].pk}/unlock",
                {**PERIOD, "reason": "Sai số liệu"}).json()  # fmt: skip
    assert body["status"] == "draft"
    assert [e["action"] for e in body["history"]] == [
        "create", "submit", "verify", "verify", "approve", "lock", "unlock",
    ]  # fmt: skip
    assert body["history"][-1]["comment"] == "Sai số liệu"


@pytest.mark.parametrize(
    ("username", "name", "extra", "status", "match"),
    [
        ("sogtvt", "verify", {"criteria": ["1"]}, 403, "Tiêu chí 1 do Sở Y tế Hà Tĩnh thẩm tra"),
        ("kylac", "approve", {}, 403, "Vai trò “Nhập liệu” không được làm việc này"),
        ("kyanh", "approve", {}, 409, "Chưa phê duyệt được: còn 4 tiêu chí chưa được thẩm tra"),
        ("kyanh", "lock", {}, 409, "chưa được phê duyệt: phê duyệt trước rồi mới khóa"),
        ("kyanh", "return", {"comment": ""}, 422, "Trả lại cần ý kiến"),
        ("kyanh", "verify", {"criteria": ["1"]}, 422, "cần ghi ý kiến nêu căn cứ"),
        ("kyanh", "withdraw", {}, 403, "Văn phòng điều phối không rút kỳ của đơn vị về"),
        ("kylac", "submit", {}, 409, "đang chờ thẩm tra nên không gửi lại được"),
        ("kytay", "verify", {}, 404, "No unit"),
        ("th_gtvt", "verify", {}, 404, "No unit"),
    ],
)
def test_each_refusal_has_its_status_and_reason_and_changes_nothing(
    client, world, username, name, extra, status, match
):
    step(login(client, world, "kylac"), world, "submit")
    before = snapshot()
    response = step(login(client, world, username), world, name, **extra)
    assert response.status_code == status
    assert match in response.json()["detail"]
    assert snapshot() == before


def test_unlocking_without_a_reason_is_refused(client, world):
    login(client, world, "kylac")
    step(client, world, "submit")
    login(client, world, "kyanh")
    step(client, world, "verify", comment="Theo văn bản")
    step(client, world, "approve")
    step(client, world, "lock")
    before = snapshot()
    response = post(client, f"/api/approvals/{world.units['ky_lac'].pk}/unlock",
                    {**PERIOD, "reason": "  "})  # fmt: skip
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "Mở khóa cần lý do: ghi rõ vì sao số liệu đã phê duyệt phải sửa.",
    )
    assert snapshot() == before


def test_a_step_on_a_period_never_saved_is_a_404_and_a_bad_period_a_422(client, world):
    login(client, world, "kyanh")
    missing = step(client, world, "approve")
    assert missing.status_code == 404
    bad = post(client, f"/api/approvals/{world.units['ky_lac'].pk}/submit",
               {"set": "test-commune", "period": "2021-H3"})  # fmt: skip
    assert bad.status_code == 422


def test_reading_the_state_needs_the_unit_in_scope_and_a_login(client, world):
    path = f"/api/approvals/{world.units['ky_lac'].pk}?set=test-commune&period=2021"
    assert client.get(path).status_code == 401
    body = login(client, world, "kylac").get(path).json()
    assert (body["status"], body["actions"], body["approver"]) == (
        "none",
        ["submit"],
        "người phê duyệt (văn phòng điều phối) của Huyện Kỳ Anh hoặc cấp trên",
    )
    assert login(client, world, "kytay").get(path).status_code == 404


def test_the_queue_endpoint_lists_what_waits(client, world):
    step(login(client, world, "kylac"), world, "submit")
    body = login(client, world, "sogtvt").get("/api/approvals/queue").json()
    assert (body["counts"], body["criteria_to_verify"]) == ({"verify": 1}, 1)
    assert [(i["unit"], i["criteria"], i["age_days"]) for i in body["items"]] == [
        ("Xã Kỳ Lạc", ["2"], 0)
    ]


def test_an_office_assigns_criteria_and_adds_departments_through_the_api(client, world):
    province = world.units["province"].pk
    login(client, world, "hatinh")
    body = client.get(f"/api/approvals/responsibilities/{province}?set=test-commune").json()
    assert [
        (c["number"], c["sector"], c["department"], c["assigned"]) for c in body["criteria"]
    ] == [
        ("1", "health", "Sở Y tế Hà Tĩnh", False),
        ("2", "transport", "Sở Giao thông Vận tải Hà Tĩnh", False),
        ("10", "statistics", None, False),
        ("19", None, None, False),
    ]
    body = post(client, f"/api/approvals/responsibilities/{province}",
                {"set": "test-commune", "criterion": "19", "department_id": world.gtvt.pk},
                method="put").json()  # fmt: skip
    assert body["criteria"][3]["department"] == "Sở Giao thông Vận tải Hà Tĩnh"
    assert body["criteria"][3]["assigned"] is True
    created = post(client, f"/api/approvals/departments/{province}",
                   {"name": "Cục Thống kê Hà Tĩnh", "sector": "statistics"})  # fmt: skip
    assert created.status_code == 201
    changed = post(client, f"/api/approvals/departments/{province}/{created.json()['id']}",
                   {"sector": "health"}, method="patch")  # fmt: skip
    assert changed.json()["sector"] == "health"


def test_assignments_are_refused_to_others(client, world):
    province = world.units["province"].pk
    payload = {"set": "test-commune", "criterion": "2", "department_id": world.yte.pk}
    login(client, world, "sogtvt")
    response = post(client, f"/api/approvals/responsibilities/{province}", payload, method="put")
    assert response.status_code == 403
    login(client, world, "kyanh")
    response = post(client, f"/api/approvals/responsibilities/{province}", payload, method="put")
    assert response.status_code == 404
    created = post(client, f"/api/approvals/departments/{province}", {"name": "Sở X"})
    assert created.status_code == 404
    assert (CriterionResponsibility.objects.count(), Department.objects.count()) == (0, 3)


def test_every_step_is_in_the_openapi_schema(client):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    expected = {f"/api/approvals/{{unit_id}}/{s}" for s in
                ("submit", "withdraw", "verify", "return", "approve", "lock", "unlock")}  # fmt: skip
    assert expected | {"/api/approvals/{unit_id}", "/api/approvals/queue"} <= paths
