"""The certifications page (``/units/<id>/certifications/``) and API
(``/api/certifications/<id>``): who sees which forms, saving, refusals with their status
codes and nothing written after them, scope."""

from __future__ import annotations

import json
import re

from ntm.approvals import approval
from ntm.approvals.tests.approval_world import PERIOD, World, world
from ntm.audit.models import AuditEntry
from ntm.dashboards.evaluation import evaluate_unit
from ntm.values.models import CriterionCertification

__all__ = ["world"]

QUERY = "set=test-commune&date=2021-09-25"
TRANSPORT = "Tiêu chí 2 (Giao thông) do Sở Giao thông Vận tải Hà Tĩnh xác nhận"
FORM = {
    "criterion": "2",
    "is_met": "1",
    "certified_on": "2021-09-25",
    "document_number": "125/SGTVT-KHTC",
    "note": "",
}


def page_url(w: World, unit: str = "ky_lac", query: str = QUERY) -> str:
    return f"/units/{w.units[unit].pk}/certifications/?{query}"


def api_url(w: World, unit: str = "ky_lac") -> str:
    return f"/api/certifications/{w.units[unit].pk}"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def forms(response) -> list[str]:
    return re.findall(r'data-testid="certify-(\d+)"', response.content.decode())


def as_user(client, w: World, username: str):
    client.force_login(w.users[username])
    return client


def written() -> tuple[int, int]:
    return (
        CriterionCertification.objects.count(),
        AuditEntry.objects.filter(action="certification.record").count(),
    )


def status_of(w: World, number: str) -> str:
    report = evaluate_unit(w.units["ky_lac"], w.criteria_set, PERIOD.observed_on)
    return next(c["status"] for c in report["criteria"] if c["number"] == number)


def api_post(client, w: World, **given):
    payload = {
        "set": "test-commune",
        "number": "2",
        "is_met": True,
        "certified_on": "2021-09-25",
        "document_number": "125/SGTVT-KHTC",
        **given,
    }
    return client.post(api_url(w), json.dumps(payload), content_type="application/json")


# --------------------------------------------------------------------------- the page


def test_the_transport_department_sees_every_criterion_and_only_its_own_form(client, world):
    response = as_user(client, world, "sogtvt").get(page_url(world))
    assert response.status_code == 200
    assert forms(response) == ["2"]
    body = text(response)
    assert re.findall(r'data-testid="criterion-(\d+)"', response.content.decode()) == [
        "1",
        "2",
        "10",
        "19",
    ]
    assert "Sở Y tế Hà Tĩnh" in body  # who certifies criterion 1
    assert "Bạn xác nhận được 1 tiêu chí của Xã Kỳ Lạc" in body
    assert "Thiếu số liệu" in body  # criterion 2 has no value yet
    page = response.content.decode()
    assert 'value="2021-09-25"' in page  # the certification day proposed
    assert "<script>" not in page  # CSP: no inline scripts


def test_the_office_sees_a_form_for_every_criterion(client, world):
    response = as_user(client, world, "kyanh").get(page_url(world))
    assert response.status_code == 200
    assert forms(response) == ["1", "2", "10", "19"]
    assert "thay Sở Giao thông Vận tải Hà Tĩnh" in text(response)


def test_a_commune_user_reads_the_page_without_forms_and_cannot_post(client, world):
    as_user(client, world, "kylac")
    response = client.get(page_url(world))
    assert response.status_code == 200
    assert forms(response) == []
    assert 'data-testid="read-only"' in response.content.decode()
    response = client.post(page_url(world), FORM)
    assert response.status_code == 403
    assert TRANSPORT in text(response)
    assert written() == (0, 0)


def test_the_department_certifies_and_is_sent_back_with_a_message(client, world):
    as_user(client, world, "sogtvt")
    response = client.post(page_url(world), FORM)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?{QUERY}#crit-2")
    row = CriterionCertification.objects.get()
    assert (row.is_met, row.department, row.entered_by) == (
        True,
        world.gtvt,
        world.users["sogtvt"],
    )
    assert AuditEntry.objects.get(action="certification.record").channel == "web"
    body = text(client.get(response["Location"]))
    assert "Đã lưu xác nhận tiêu chí 2 đạt theo văn bản 125/SGTVT-KHTC ngày 25/09/2021." in body
    assert "Văn bản xác nhận: đạt" in body
    assert "ghi bởi sogtvt" in body


def test_a_missing_document_is_a_400_with_the_form_kept(client, world):
    as_user(client, world, "sogtvt")
    response = client.post(page_url(world), {**FORM, "document_number": " ", "note": "Đã xem"})
    assert response.status_code == 400
    assert "Cần số văn bản xác nhận" in text(response)
    page = response.content.decode()
    assert ">Đã xem</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert written() == (0, 0)


def test_the_office_for_a_department_needs_a_note(client, world):
    as_user(client, world, "kyanh")
    response = client.post(page_url(world), FORM)
    assert response.status_code == 400
    assert "cần ghi chú nêu căn cứ" in text(response)
    response = client.post(page_url(world), {**FORM, "note": "Theo công văn của Sở GTVT"})
    assert response.status_code == 302
    assert CriterionCertification.objects.get().department == world.gtvt


def test_a_frozen_period_is_a_409_with_the_reason(client, world):
    approval.submit_period(
        unit=world.units["ky_lac"],
        criteria_set=world.criteria_set,
        period=PERIOD,
        actor=world.actor("kylac"),
    )
    as_user(client, world, "sogtvt")
    page = client.get(page_url(world, query="set=test-commune&date=2021-12-31"))
    assert 'data-testid="frozen-note"' in page.content.decode()
    response = client.post(
        page_url(world, query="set=test-commune&date=2021-12-31"),
        {**FORM, "certified_on": "2021-12-31"},
    )
    assert response.status_code == 409
    assert "đang được xét duyệt" in text(response)
    assert written() == (0, 0)


def test_the_page_is_a_404_outside_the_scope_and_asks_a_login(client, world):
    assert client.get(page_url(world)).status_code == 302
    as_user(client, world, "th_gtvt")
    assert client.get(page_url(world)).status_code == 404
    assert client.post(page_url(world), FORM).status_code == 404
    assert written() == (0, 0)


def test_the_approval_page_links_to_the_certifications(client, world):
    as_user(client, world, "sogtvt")
    page = client.get(f"/units/{world.units['ky_lac'].pk}/approval/?set=test-commune&period=2021")
    link = re.search(r'href="([^"]+)" data-testid="certifications-link"', page.content.decode())
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url.endswith("certifications/?set=test-commune&date=2021-12-31")
    assert forms(client.get(url)) == ["2"]


# --------------------------------------------------------------------------- the API


def test_the_department_certifies_through_the_api_and_the_criterion_is_met(client, world):
    assert status_of(world, "2") == "missing"
    response = api_post(as_user(client, world, "sogtvt"), world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["criterion_key"], body["number"], body["is_met"]) == ("test-commune:2", "2", True)
    assert (body["department"], body["entered_by"]) == ("Sở Giao thông Vận tải Hà Tĩnh", "sogtvt")
    assert status_of(world, "2") == "met"
    assert AuditEntry.objects.get(action="certification.record").channel == "api"
    state = client.get(f"{api_url(world)}?{QUERY}").json()
    criterion = next(c for c in state["criteria"] if c["number"] == "2")
    assert (criterion["status"], criterion["certified"]) == ("met", True)
    assert criterion["certification"]["document_number"] == "125/SGTVT-KHTC"
    assert state["you_may_certify"] == ["2"]


def test_reading_says_what_each_caller_may_certify(client, world):
    state = as_user(client, world, "kyanh").get(f"{api_url(world)}?{QUERY}").json()
    assert state["you_may_certify"] == ["1", "2", "10", "19"]
    notes = {c["number"]: c["note_required"] for c in state["criteria"]}
    assert notes == {"1": True, "2": True, "10": False, "19": False}
    departments = {c["number"]: c["department"] for c in state["criteria"]}
    assert departments["2"] == "Sở Giao thông Vận tải Hà Tĩnh"
    assert departments["10"] is None
    state = as_user(client, world, "kylac").get(f"{api_url(world)}?{QUERY}").json()
    assert state["you_may_certify"] == []


def test_api_refusals_have_their_status_and_write_nothing(client, world):
    assert api_post(client, world).status_code == 401
    response = api_post(as_user(client, world, "kylac"), world)
    assert response.status_code == 403
    assert TRANSPORT in response.json()["detail"]
    response = api_post(as_user(client, world, "soyte"), world)
    assert response.status_code == 403
    assert "Sở Y tế Hà Tĩnh" in response.json()["detail"]
    assert api_post(as_user(client, world, "th_gtvt"), world).status_code == 404
    as_user(client, world, "sogtvt")
    response = api_post(client, world, document_number="")
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["field"] == "document_number"
    assert "Cần số văn bản xác nhận" in problem["message"]
    response = api_post(client, world, certified_on="2099-01-01")
    assert (response.status_code, response.json()["problems"][0]["field"]) == (422, "certified_on")
    response = api_post(client, world, number="99")
    assert response.status_code == 422
    assert api_post(client, world, set="no-such-set").status_code == 404
    assert written() == (0, 0)


def test_a_frozen_period_is_a_422_through_the_api(client, world):
    approval.submit_period(
        unit=world.units["ky_lac"],
        criteria_set=world.criteria_set,
        period=PERIOD,
        actor=world.actor("kylac"),
    )
    response = api_post(as_user(client, world, "sogtvt"), world, certified_on="2021-12-31")
    assert response.status_code == 422
    assert "đang được xét duyệt" in response.json()["problems"][0]["message"]
    assert written() == (0, 0)
