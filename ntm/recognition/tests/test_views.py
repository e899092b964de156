"""Recognition pages: scope on every page, each step's form, refusals in words with nothing
written, documents served only in scope, the public list after announcement, the unit
page's panel, and bounded queries on the lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ntm.audit.models import AuditEntry
from ntm.recognition.models import ProcedureSetting, Reacknowledgement, Recognition, RecognitionCase
from ntm.recognition.tests.helpers import D, case_at, certify, pdf, set_satisfaction


def _login(client, world, username):
    client.force_login(world["users"][username])
    return client


def _html(response) -> str:
    return response.content.decode()


def test_case_list_counts_stages_and_says_who_is_waiting(client, world):
    case_at(world, "verification")
    case_at(world, "appraisal", unit_key="ky_tay")
    html = _html(_login(client, world, "hatinh").get("/recognition/"))
    assert 'data-testid="stage-verification"><strong>1</strong> Thẩm tra' in html
    assert 'data-testid="stage-appraisal"><strong>1</strong> Thẩm định' in html
    assert "Văn phòng NTM huyện" in html and "Văn phòng điều phối NTM tỉnh" in html
    assert html.count('data-testid="case-table"') == 1
    assert "cần xác nhận" in html  # no deadline set by the province


def test_a_commune_sees_only_its_cases(client, world):
    mine = case_at(world, "dossier")
    theirs = case_at(world, "dossier", unit_key="ky_tay")
    c = _login(client, world, "kylac")
    html = _html(c.get("/recognition/"))
    assert "Xã Kỳ Lạc" in html and "Xã Kỳ Tây" not in html
    assert c.get(f"/recognition/cases/{mine.pk}/").status_code == 200
    assert c.get(f"/recognition/cases/{theirs.pk}/").status_code == 404
    assert c.post(f"/recognition/cases/{theirs.pk}/submit/").status_code == 404
    assert RecognitionCase.objects.get(pk=theirs.pk).stage == "dossier"


def test_case_list_queries_do_not_grow_with_the_cases(client, world):
    c = _login(client, world, "hatinh")
    case_at(world, "dossier")
    c.get("/recognition/")
    with CaptureQueriesContext(connection) as few:
        c.get("/recognition/")
    case_at(world, "appraisal", unit_key="ky_tay")
    case_at(world, "self_assessment", unit_key="new_ky_lac", year=2026)
    with CaptureQueriesContext(connection) as more:
        c.get("/recognition/")
    assert len(more) == len(few)


def test_a_refused_decision_shows_each_failing_condition_and_writes_nothing(client, world):
    case = case_at(world, "decision", ready=False)
    before = (AuditEntry.objects.count(), Recognition.objects.count())
    response = _login(client, world, "hatinh").post(
        f"/recognition/cases/{case.pk}/decide/",
        {"decision_number": "12/QĐ-UBND", "decision_date": "2024-11-01", "signer": "A",
         "issuer": "UBND tỉnh Hà Tĩnh"},
    )  # fmt: skip
    html = _html(response)
    assert response.status_code == 200
    assert 'data-testid="refusal"' in html
    assert "Chưa thể ghi quyết định công nhận: 3 điều kiện của QĐ 18/2022/QĐ-TTg chưa đạt." in html
    for code in ("C2", "C3", "C4"):
        assert f"<li>{code} (" in html
    assert 'value="12/QĐ-UBND"' in html  # the form keeps what was typed
    assert (AuditEntry.objects.count(), Recognition.objects.count()) == before
    assert RecognitionCase.objects.get(pk=case.pk).stage == "decision"


def test_a_decision_goes_through_and_the_public_list_shows_it_after_announcement(client, world):
    set_satisfaction(world)
    case = case_at(world, "decision")
    historical = Recognition.objects.create(
        unit=world["ky_tay"],
        tier="standard",
        decision_number="DEMO-7/QĐ",
        decision_date=D(2019, 1, 2),
    )
    c = _login(client, world, "hatinh")
    response = c.post(
        f"/recognition/cases/{case.pk}/decide/",
        {"decision_number": "1021/QĐ-UBND", "decision_date": "2024-11-01",
         "signer": "Phó Chủ tịch", "issuer": "UBND tỉnh Hà Tĩnh"},
    )  # fmt: skip
    assert response.status_code == 302
    c.get(f"/recognition/cases/{case.pk}/")  # shows (and clears) the success message
    public = _html(client.get("/recognitions/"))
    assert "1021/QĐ-UBND" not in public and historical.decision_number in public
    response = c.post(
        f"/recognition/cases/{case.pk}/announce/",
        {"announced_on": "2024-11-05", "where": "Cổng thông tin điện tử tỉnh"},
    )
    assert response.status_code == 302
    client.logout()
    assert "1021/QĐ-UBND" in _html(client.get("/recognitions/"))


def test_a_step_of_another_level_answers_403_with_the_reason(client, world):
    case = case_at(world, "verification")
    response = _login(client, world, "hatinh").post(
        f"/recognition/cases/{case.pk}/verify/",
        {"verified_on": "2024-10-05", "report_number": "1/BC"},
    )
    assert response.status_code == 403
    assert "Bước thẩm tra do văn phòng nông thôn mới cấp huyện thực hiện" in _html(response)
    assert RecognitionCase.objects.get(pk=case.pk).stage == "verification"


def test_the_case_page_offers_the_step_to_its_actor_only(client, world):
    case = case_at(world, "verification")
    district = _html(_login(client, world, "kyanh").get(f"/recognition/cases/{case.pk}/"))
    assert "Ghi kết quả thẩm tra" in district and "Trả hồ sơ về bước trước" in district
    commune = _html(_login(client, world, "kylac").get(f"/recognition/cases/{case.pk}/"))
    assert "Ghi kết quả thẩm tra" not in commune
    assert "Bước này do Văn phòng NTM huyện thực hiện; tài khoản của bạn chỉ xem." in commune


def test_the_commune_walks_its_steps_through_the_forms(client, world, settings):
    c = _login(client, world, "kylac")
    response = c.post(
        "/recognition/register/",
        {
            "unit": world["ky_lac"].pk,
            "tier": "standard",
            "year": 2024,
            "registered_on": "2024-01-10",
        },
    )
    case = RecognitionCase.objects.get(unit=world["ky_lac"])
    assert response["Location"] == f"/recognition/cases/{case.pk}/"
    certify(world["ky_lac"], on=D(2024, 9, 30))
    c.post(f"/recognition/cases/{case.pk}/self-assessment/", {"assessed_on": "2024-09-30"})
    upload = c.post(
        f"/recognition/cases/{case.pk}/document/",
        {"kind": "satisfaction_survey", "number": "7/BC-MTTQ", "file": pdf("khao-sat.pdf")},
    )
    assert upload.status_code == 302
    c.post(
        f"/recognition/cases/{case.pk}/declare/",
        {"satisfaction_percent": "92.5", "satisfaction_on": "2024-10-01"},
    )
    c.post(f"/recognition/cases/{case.pk}/submit/", {"comment": "Gửi huyện"})
    case.refresh_from_db()
    assert (case.stage, case.assessed_met, float(case.satisfaction_percent)) == (
        "verification",
        10,
        92.5,
    )
    assert [e.actor_name for e in case.events.all()] == ["kylac"] * 4


def test_an_invalid_form_is_refused_with_the_field_named(client, world):
    case = case_at(world, "appraisal")
    response = _login(client, world, "hatinh").post(
        f"/recognition/cases/{case.pk}/appraise/",
        {"appraised_on": "không phải ngày", "report_number": "1", "council_name": "HĐ",
         "council_members": "0", "votes_for": "1"},
    )  # fmt: skip
    html = _html(response)
    assert "Ngày thẩm định:" in html
    assert "Số thành viên hội đồng:" in html
    assert RecognitionCase.objects.get(pk=case.pk).stage == "appraisal"


def test_documents_are_served_only_in_scope(client, world, settings):
    case = case_at(world, "dossier")
    document = case.documents.get(kind="debt_report")
    url = f"/recognition/documents/{document.pk}/"
    mine = _login(client, world, "kylac").get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert b"".join(mine.streaming_content).startswith(b"%PDF-")
    assert _login(client, world, "kytay").get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_monitoring_page_lists_the_flagged_and_opens_a_revocation_case(client, world):
    recognition = Recognition.objects.create(
        unit=world["ky_lac"], tier="standard", decision_number="4/QĐ", decision_date=D(2022, 1, 5)
    )
    certify(world["ky_lac"], failing=(1, 2, 3, 4, 5), on=D(2024, 6, 30))
    c = _login(client, world, "hatinh")
    html = _html(c.get(f"/recognition/monitoring/?unit={world['province'].pk}&as_of=2024-12-31"))
    assert 'data-testid="flag-due"' in html and "5/10 (50%)" in html
    response = c.post(
        "/recognition/monitoring/revocation/",
        {"recognition": recognition.pk, "comment": "Không đạt 5/10 tiêu chí."},
    )
    case = RecognitionCase.objects.get(recognition=recognition)
    assert response["Location"] == f"/recognition/cases/{case.pk}/"
    assert case.stage == "revocation"
    kytay = _login(client, world, "kytay")
    assert kytay.get(f"/recognition/monitoring/?unit={world['ky_lac'].pk}").status_code == 404


def test_unit_page_shows_the_flag_and_the_awaited_re_acknowledgement(client, world):
    Recognition.objects.create(
        unit=world["ky_lac"], tier="standard", decision_number="4/QĐ", decision_date=D(2022, 1, 5)
    )
    certify(world["ky_lac"], failing=(10,), on=D(2024, 6, 30))
    c = _login(client, world, "hatinh")
    html = _html(c.get(f"/units/{world['ky_lac'].pk}/?as_of=2024-12-31"))
    assert 'data-testid="unit-flag-close"' in html
    assert "tiêu chí then chốt không đạt: 10. Thu nhập" in html
    Recognition.objects.create(
        unit=world["lam_hop"], tier="standard", decision_number="6/QĐ", decision_date=D(2021, 1, 5)
    )
    new = _html(c.get(f"/units/{world['new_ky_lac'].pk}/"))
    assert 'data-testid="awaiting-reacknowledgement"' in new
    assert "Ghi quyết định thừa nhận" in new


def test_the_office_records_a_re_acknowledgement_on_its_page(client, world):
    lam_hop = Recognition.objects.create(
        unit=world["lam_hop"], tier="standard", decision_number="6/QĐ", decision_date=D(2021, 1, 5)
    )
    c = _login(client, world, "hatinh")
    listing = _html(c.get(f"/recognition/reacknowledgement/?province={world['province_2025'].pk}"))
    assert 'data-testid="awaiting-row"' in listing and "1/2 đơn vị được công nhận" in listing
    response = c.post(
        f"/recognition/reacknowledgement/{world['new_ky_lac'].pk}/",
        {"tier": "standard", "recognitions": [lam_hop.pk], "decision_number": "1500/QĐ-UBND",
         "decision_date": "2025-09-10", "issuer": "UBND tỉnh Hà Tĩnh"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Reacknowledgement.objects.get().decision_number == "1500/QĐ-UBND"
    assert (
        _login(client, world, "newkylac")
        .get(f"/recognition/reacknowledgement/{world['new_ky_lac'].pk}/")
        .status_code
        == 403
    )


def test_settings_page_sets_a_value_with_its_document(client, world):
    province = world["province"]
    c = _login(client, world, "hatinh")
    page = _html(c.get(f"/recognition/settings/?province={province.pk}"))
    assert 'data-testid="setting-satisfaction_min_percent"' in page and "cần xác nhận" in page
    refused = c.post(
        "/recognition/settings/",
        {"province": province.pk, "key": "satisfaction_min_percent", "value": "90",
         "decision_date": "2024-01-01"},
    )  # fmt: skip
    assert "Cần nhập số văn bản quy định." in _html(refused)
    assert ProcedureSetting.objects.count() == 0
    c.post(
        "/recognition/settings/",
        {"province": province.pk, "key": "satisfaction_min_percent", "value": "90",
         "decision_date": "2024-01-01", "decision_number": "12/2024/QĐ-UBND"},
    )  # fmt: skip
    assert ProcedureSetting.objects.get().value == 90
    assert "12/2024/QĐ-UBND" in _html(c.get(f"/recognition/settings/?province={province.pk}"))
    district = _login(client, world, "kyanh").post(
        "/recognition/settings/",
        {"province": province.pk, "key": "deadline_days.appraisal", "value": "30",
         "decision_date": "2024-01-01", "decision_number": "1"},
    )  # fmt: skip
    assert district.status_code == 404  # the province is outside a district office's scope
    assert ProcedureSetting.objects.count() == 1


@pytest.mark.parametrize(
    "url", ["/recognition/", "/recognition/monitoring/", "/recognition/settings/"]
)
def test_pages_need_a_login(client, url):
    assert client.get(url).status_code == 302


def test_navigation_links_the_recognition_pages(client, world):
    html = _html(_login(client, world, "kylac").get("/recognition/"))
    assert '<a href="/recognition/" aria-current="page">Xét công nhận</a>' in html


def test_english_pages(client, world, settings):
    from ntm.i18n import compile_messages

    compile_messages()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)
    case = case_at(world, "decision")
    c = _login(client, world, "hatinh")
    c.cookies["django_language"] = "en"
    html = _html(c.get(f"/recognition/cases/{case.pk}/"))
    assert "Record the recognition decision" in html
    assert "Ghi quyết định công nhận" not in html


def test_withdrawing_needs_a_comment_on_the_page(client, world):
    case = case_at(world, "self_assessment")
    c = _login(client, world, "kylac")
    response = c.post(f"/recognition/cases/{case.pk}/withdraw/", {"comment": ""})
    assert "Lý do rút hồ sơ:" in _html(response)
    assert RecognitionCase.objects.get(pk=case.pk).stage == "self_assessment"
    c.post(f"/recognition/cases/{case.pk}/withdraw/", {"comment": "Chưa đủ điều kiện năm nay."})
    assert RecognitionCase.objects.get(pk=case.pk).stage == "withdrawn"


def test_unknown_action_is_404(client, world):
    case = case_at(world, "dossier")
    assert (
        _login(client, world, "kylac").post(f"/recognition/cases/{case.pk}/delete/").status_code
        == 404
    )
    assert RecognitionCase.objects.get(pk=case.pk).stage == "dossier"


def test_the_dossier_checklist_ticks_the_documents_present(client, world):
    case = case_at(world, "dossier")
    html = _html(_login(client, world, "kylac").get(f"/recognition/cases/{case.pk}/"))
    assert '<li class="have">Báo cáo tình hình nợ đọng xây dựng cơ bản' in html
    assert '<li class="lack">Tờ trình đề nghị xét công nhận</li>' in html


def test_cases_in_monitoring_wait_for_nobody(client, world):
    set_satisfaction(world)
    from ntm.recognition import services
    from ntm.recognition.tests.helpers import actor

    case = case_at(world, "decision")
    office = actor(world, "hatinh")
    services.decide_case(
        case=case, decision_number="1/QĐ", decision_date=D(2024, 11, 1), signer="A",
        issuer="UBND", actor=office,
    )  # fmt: skip
    services.announce_case(case=case, announced_on=D(2024, 11, 2), where="Cổng", actor=office)
    c = _login(client, world, "hatinh")
    assert 'data-testid="case-table"' not in _html(c.get("/recognition/"))
    listed = _html(c.get("/recognition/?stage=monitoring"))
    assert "Xã Kỳ Lạc" in listed and "Văn phòng điều phối NTM tỉnh" not in listed
