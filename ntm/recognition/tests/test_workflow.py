"""Every step of a case, legal and illegal: the right people in the right order move it;
a wrong role, a unit outside the scope or a step out of order is refused with a reason and
nothing changes; every write leaves its audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ntm.accounts.permissions import WriteDenied
from ntm.audit.models import AuditEntry
from ntm.programme.models import Registration
from ntm.recognition import services
from ntm.recognition.models import (
    CaseDocument,
    CaseEvent,
    ProcedureSetting,
    Recognition,
    RecognitionCase,
    Revocation,
)
from ntm.recognition.tests.helpers import D, actor, case_at, certify, pdf, set_satisfaction
from ntm.units.models import AdminUnit


def _snapshot(case: RecognitionCase) -> tuple:
    case = RecognitionCase.objects.get(pk=case.pk)
    registration = Registration.objects.get(pk=case.registration_id)
    return (
        case.stage,
        case.stage_since,
        case.assessed_met,
        case.verified_on,
        case.appraised_on,
        case.recognition_id,
        registration.status,
        CaseEvent.objects.filter(case=case).count(),
        CaseDocument.objects.filter(case=case).count(),
        AuditEntry.objects.count(),
        Recognition.objects.count(),
        Revocation.objects.count(),
    )


def _actions(case: RecognitionCase) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("action", flat=True))


def _audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- The legal path ---------------------------------------------------------------------------


def test_a_commune_with_a_district_goes_through_every_step(world):
    set_satisfaction(world)
    start = AuditEntry.objects.count()
    kylac, kyanh, hatinh = (actor(world, n) for n in ("kylac", "kyanh", "hatinh"))
    case = services.register_case(
        unit=world["ky_lac"], tier="standard", year=2024, registered_on=D(2024, 1, 15), actor=kylac
    )
    registration = Registration.objects.get(pk=case.registration_id)
    assert (case.stage, case.set_id, registration.status) == (
        "self_assessment",
        "test-ten",
        "in_progress",
    )
    certify(world["ky_lac"], on=D(2024, 10, 1))
    case = services.complete_self_assessment(case=case, assessed_on=D(2024, 10, 1), actor=kylac)
    assert (case.stage, case.assessed_met, case.assessed_total, case.assessed_set) == (
        "dossier", 10, 10, "test-ten@1"
    )  # fmt: skip
    for kind in ("satisfaction_survey", "debt_report", "security_confirmation"):
        services.add_document(case=case, kind=kind, upload=pdf(f"{kind}.pdf"), actor=kylac)
    services.declare_conditions(
        case=case,
        declaration=services.Declaration(
            satisfaction_percent="93.25", satisfaction_on=D(2024, 10, 2),
            has_construction_debt=False, debt_declared_on=D(2024, 10, 2),
            is_security_complicated=False, security_confirmed_by="Công an xã Kỳ Lạc",
            security_confirmed_on=D(2024, 10, 3),
        ),
        actor=kylac,
    )  # fmt: skip
    case = services.submit_dossier(case=case, actor=kylac)
    assert case.stage == "verification"
    case = services.verify_case(
        case=case, verified_on=D(2024, 10, 10), report_number="15/BC-UBND", actor=kyanh
    )
    assert (case.stage, case.verification_number) == ("appraisal", "15/BC-UBND")
    case = services.appraise_case(
        case=case, appraised_on=D(2024, 10, 20), report_number="88/BC-SNN",
        council_name="Hội đồng thẩm định tỉnh", council_members=9, votes_for=8, actor=hatinh,
    )  # fmt: skip
    assert Registration.objects.get(pk=case.registration_id).status == "appraised"
    recognition = services.decide_case(
        case=case, decision_number="1021/QĐ-UBND", decision_date=D(2024, 11, 1),
        signer="Phó Chủ tịch", issuer="UBND tỉnh Hà Tĩnh", actor=hatinh,
    )  # fmt: skip
    case = services.announce_case(
        case=case, announced_on=D(2024, 11, 10), where="Cổng thông tin điện tử tỉnh", actor=hatinh
    )
    assert case.stage == "monitoring"
    case = services.start_revocation(
        case=case, actor=hatinh, comment="Rớt chuẩn tiêu chí thu nhập."
    )
    revocation = services.revoke_case(
        case=case, decision_number="77/QĐ-UBND", decision_date=D(2024, 12, 20),
        issuer="UBND tỉnh Hà Tĩnh", reason="Không đạt 5/10 tiêu chí.", actor=hatinh,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.stage == "revoked"
    assert revocation.recognition == recognition
    assert _actions(case) == [
        "register", "self_assess", "declare", "submit", "verify", "appraise", "decide",
        "announce", "start_revocation", "revoke",
    ]  # fmt: skip
    assert [e.actor.username for e in case.events.order_by("at", "id")] == [
        "kylac", "kylac", "kylac", "kylac", "kyanh", "hatinh", "hatinh", "hatinh", "hatinh", "hatinh",
    ]  # fmt: skip
    assert _audit_actions()[start:] == [
        "registration.record", "recognition_case.register", "recognition_case.self_assess",
        "recognition_case.document.add", "recognition_case.document.add",
        "recognition_case.document.add", "recognition_case.declare", "recognition_case.submit",
        "recognition_case.verify", "registration.status", "recognition_case.appraise",
        "recognition.record", "registration.status", "recognition_case.decide",
        "recognition_case.announce", "recognition_case.start_revocation", "revocation.record",
        "recognition_case.revoke",
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="recognition_case.verify")
    assert (entry.actor_name, entry.channel, entry.ip_address, entry.unit_id) == (
        "kyanh", "web", "10.0.0.1", world["ky_lac"].pk
    )  # fmt: skip
    assert entry.old == {"stage": "verification"}
    assert entry.new["stage"] == "appraisal" and entry.new["report_number"] == "15/BC-UBND"


def test_a_commune_formed_in_2025_skips_verification_with_the_reason(world):
    case = case_at(world, "dossier", unit_key="new_ky_lac", year=2026)
    case = services.submit_dossier(case=case, actor=actor(world, "newkylac"))
    assert (case.stage, case.is_verification_skipped) == ("appraisal", True)
    skip = case.events.get(action="skip_verification")
    assert (skip.from_stage, skip.to_stage) == ("verification", "appraisal")
    assert skip.comment.startswith("Từ ngày 01/7/2025 không còn cấp huyện")


def test_registration_links_an_existing_registration_and_reopens_a_withdrawn_one(world):
    Registration.objects.create(
        unit=world["ky_lac"], tier="standard", year=2024, registered_on=D(2023, 12, 1),
        status="withdrawn",
    )  # fmt: skip
    case = services.register_case(
        unit=world["ky_lac"], tier="standard", year=2024, actor=actor(world, "kylac")
    )
    registration = Registration.objects.get(unit=world["ky_lac"], tier="standard", year=2024)
    assert case.registration == registration
    assert (registration.registered_on, registration.status) == (D(2023, 12, 1), "in_progress")


# --- Refusals: role, scope, order --------------------------------------------------------------


def _refused_by_role(world, case, username, call, message):
    before = _snapshot(case)
    with pytest.raises(WriteDenied) as denied:
        call(case, actor(world, username))
    assert str(denied.value) == message
    assert _snapshot(case) == before


def test_a_viewer_cannot_register(world):
    before = (
        RecognitionCase.objects.count(),
        Registration.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(WriteDenied, match="Vai trò “Xem” không được làm việc này"):
        services.register_case(
            unit=world["ky_lac"], tier="standard", year=2024, actor=actor(world, "hatinh_viewer")
        )
    after = (
        RecognitionCase.objects.count(),
        Registration.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_another_commune_cannot_touch_the_case(world):
    case = case_at(world, "dossier")
    _refused_by_role(
        world, case, "kytay",
        lambda c, a: services.submit_dossier(case=c, actor=a),
        "Đơn vị “Xã Kỳ Lạc” nằm ngoài phạm vi được giao của tài khoản này.",
    )  # fmt: skip


def test_data_entry_cannot_verify(world):
    case = case_at(world, "verification")
    _refused_by_role(
        world, case, "kyanh_clerk",
        lambda c, a: services.verify_case(case=c, verified_on=D(2024, 10, 5), report_number="1", actor=a),
        "Vai trò “Nhập liệu” không được làm việc này; cần một trong các vai trò: Quản trị, "
        "Phê duyệt (văn phòng điều phối).",
    )  # fmt: skip


def test_the_province_cannot_verify_in_place_of_the_district(world):
    case = case_at(world, "verification")
    _refused_by_role(
        world, case, "hatinh",
        lambda c, a: services.verify_case(case=c, verified_on=D(2024, 10, 5), report_number="1", actor=a),
        "Bước thẩm tra do văn phòng nông thôn mới cấp huyện thực hiện; tài khoản này thuộc cấp tỉnh.",
    )  # fmt: skip


def test_the_district_cannot_appraise_or_decide(world):
    set_satisfaction(world)
    case = case_at(world, "appraisal")
    message = (
        "Bước này do văn phòng điều phối nông thôn mới cấp tỉnh thực hiện; tài khoản này "
        "thuộc cấp huyện."
    )
    _refused_by_role(
        world, case, "kyanh",
        lambda c, a: services.appraise_case(
            case=c, appraised_on=D(2024, 10, 5), report_number="1", council_name="HĐ",
            council_members=5, votes_for=5, actor=a,
        ),
        message,
    )  # fmt: skip
    decided = case_at(world, "decision", unit_key="ky_tay")
    _refused_by_role(
        world, decided, "kyanh",
        lambda c, a: services.decide_case(
            case=c, decision_number="1", decision_date=D(2024, 11, 1), signer="A", issuer="B", actor=a
        ),
        message,
    )  # fmt: skip


def test_an_office_of_another_province_is_refused(world):
    case = case_at(world, "appraisal")
    _refused_by_role(
        world, case, "thanhhoa",
        lambda c, a: services.appraise_case(
            case=c, appraised_on=D(2024, 10, 5), report_number="1", council_name="HĐ",
            council_members=5, votes_for=5, actor=a,
        ),
        "Đơn vị “Xã Kỳ Lạc” nằm ngoài phạm vi được giao của tài khoản này.",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "username", "step", "message"),
    [
        ("self_assessment", "kylac", "submit", "gửi hồ sơ"),
        ("dossier", "kyanh", "verify", "thẩm tra"),
        ("verification", "hatinh", "appraise", "thẩm định"),
        ("appraisal", "hatinh", "decide", "ghi quyết định công nhận"),
        ("decision", "hatinh", "announce", "ghi việc công bố"),
        ("decision", "hatinh", "revoke", "ghi quyết định thu hồi"),
        ("dossier", "kylac", "self_assess", "hoàn thành tự đánh giá"),
    ],
)
def test_a_step_out_of_order_is_refused(world, stage, username, step, message):
    case = case_at(world, stage)
    calls = {
        "submit": lambda c, a: services.submit_dossier(case=c, actor=a),
        "verify": lambda c, a: services.verify_case(
            case=c, verified_on=D(2024, 10, 5), report_number="1", actor=a
        ),
        "appraise": lambda c, a: services.appraise_case(
            case=c,
            appraised_on=D(2024, 10, 5),
            report_number="1",
            council_name="HĐ",
            council_members=5,
            votes_for=5,
            actor=a,
        ),  # fmt: skip
        "decide": lambda c, a: services.decide_case(
            case=c,
            decision_number="1",
            decision_date=D(2024, 11, 1),
            signer="A",
            issuer="B",
            actor=a,
        ),
        "announce": lambda c, a: services.announce_case(
            case=c, announced_on=D(2024, 11, 2), where="Cổng", actor=a
        ),
        "revoke": lambda c, a: services.revoke_case(
            case=c,
            decision_number="1",
            decision_date=D(2024, 11, 2),
            issuer="B",
            reason="R",
            actor=a,
        ),
        "self_assess": lambda c, a: services.complete_self_assessment(
            case=c, assessed_on=D(2024, 10, 1), actor=a
        ),
    }
    before = _snapshot(case)
    with pytest.raises(services.CaseRefused) as refused:
        calls[step](case, actor(world, username))
    label = RecognitionCase.objects.get(pk=case.pk).get_stage_display()
    assert refused.value.problems == [f"Hồ sơ đang ở bước “{label}”; không thể {message} lúc này."]
    assert _snapshot(case) == before


def test_missing_and_inconsistent_input_is_listed_whole(world):
    case = case_at(world, "appraisal")
    before = _snapshot(case)
    with pytest.raises(services.CaseRefused) as refused:
        services.appraise_case(
            case=case, appraised_on=D(2024, 9, 1), report_number=" ", council_name="",
            council_members=5, votes_for=7, actor=actor(world, "hatinh"),
        )  # fmt: skip
    assert refused.value.problems == [
        "Cần nhập số báo cáo thẩm định.",
        "Cần nhập tên hội đồng thẩm định.",
        "Ngày thẩm định không thể trước ngày 01/10/2024 của bước trước.",
        "Số phiếu đồng ý (7) không thể vượt số thành viên (5).",
    ]
    assert _snapshot(case) == before


def test_a_decision_dated_after_today_is_refused(world):
    set_satisfaction(world)
    case = case_at(world, "decision")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(services.CaseRefused) as refused:
        services.decide_case(
            case=case, decision_number="9/QĐ", decision_date=tomorrow, signer="A", issuer="B",
            actor=actor(world, "hatinh"),
        )  # fmt: skip
    assert refused.value.problems[0] == (
        f"Ngày quyết định ({tomorrow:%d/%m/%Y}) không thể sau hôm nay."
    )


# --- Return and withdrawal ----------------------------------------------------------------------


def test_returning_a_case_needs_a_comment_and_goes_only_back(world):
    case = case_at(world, "appraisal")
    office = actor(world, "hatinh")
    before = _snapshot(case)
    with pytest.raises(services.CaseRefused, match="Cần ghi ý kiến"):
        services.return_case(case=case, to_stage="dossier", actor=office, comment="  ")
    with pytest.raises(services.CaseRefused) as refused:
        services.return_case(case=case, to_stage="decision", actor=office, comment="Sai bước")
    assert refused.value.problems == [
        "Không thể trả hồ sơ từ bước “Thẩm định” về bước “Quyết định công nhận”; chọn: "
        "Tự đánh giá, Hoàn thiện hồ sơ, Thẩm tra."
    ]
    assert _snapshot(case) == before
    case = services.return_case(
        case=case, to_stage="dossier", actor=office, comment="Bổ sung biên bản họp."
    )
    assert (case.stage, case.verified_on, case.verification_number) == ("dossier", None, "")
    assert case.assessed_met == 10  # the self-assessment stands
    event = case.events.get(action="return")
    assert (event.from_stage, event.to_stage, event.comment) == (
        "appraisal", "dossier", "Bổ sung biên bản họp."
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="recognition_case.return")
    assert entry.reason == "Bổ sung biên bản họp."


def test_a_2025_case_cannot_be_returned_to_the_skipped_verification(world):
    case = case_at(world, "appraisal", unit_key="new_ky_lac", year=2026)
    assert services.return_targets(case) == ["self_assessment", "dossier"]


def test_returning_a_decided_stage_resets_the_registration(world):
    case = case_at(world, "decision")
    services.return_case(
        case=case, to_stage="appraisal", actor=actor(world, "hatinh"), comment="Họp lại"
    )
    assert Registration.objects.get(pk=case.registration_id).status == "in_progress"


def test_the_commune_cannot_withdraw_once_the_dossier_is_sent_but_the_province_can(world):
    case = case_at(world, "verification")
    before = _snapshot(case)
    with pytest.raises(WriteDenied):
        services.withdraw_case(case=case, actor=actor(world, "kylac"), comment="Rút")
    assert _snapshot(case) == before
    case = services.withdraw_case(case=case, actor=actor(world, "hatinh"), comment="Xã xin rút")
    assert case.stage == "withdrawn"
    assert Registration.objects.get(pk=case.registration_id).status == "withdrawn"
    again = services.register_case(
        unit=world["ky_lac"], tier="standard", year=2024, actor=actor(world, "kylac")
    )
    assert again.pk != case.pk and again.registration_id == case.registration_id


# --- Registration refusals ----------------------------------------------------------------------


def test_registration_refusals(world):
    ward = AdminUnit.objects.create(
        code="9", name="Phường Hưng Trí", short_name="Hưng Trí", kind="ward", level="commune",
        parent=world["district"], valid_to=D(2025, 7, 1), source="user",
    )  # fmt: skip
    with pytest.raises(services.CaseRefused, match="Phường Hưng Trí không thuộc diện"):
        services.register_case(
            unit=ward, tier="standard", year=2024, actor=actor(world, "kyanh_clerk")
        )
    with pytest.raises(services.CaseRefused, match="không tồn tại trong năm 2026"):
        services.register_case(
            unit=world["ky_lac"], tier="standard", year=2026, actor=actor(world, "kylac")
        )
    with pytest.raises(
        services.CaseRefused, match="Không có bộ tiêu chí mức “Nông thôn mới nâng cao”"
    ):
        services.register_case(
            unit=world["ky_lac"], tier="advanced", year=2024, actor=actor(world, "kylac")
        )
    services.register_case(
        unit=world["ky_lac"], tier="standard", year=2024, actor=actor(world, "kylac")
    )
    with pytest.raises(services.CaseRefused, match="đã có hồ sơ xét công nhận mức này năm 2024"):
        services.register_case(
            unit=world["ky_lac"], tier="standard", year=2024, actor=actor(world, "kylac")
        )
    Recognition.objects.create(
        unit=world["ky_tay"], tier="standard", decision_number="5/QĐ", decision_date=D(2023, 5, 1)
    )
    with pytest.raises(
        services.CaseRefused, match="đang được công nhận mức này theo quyết định 5/QĐ"
    ):
        services.register_case(
            unit=world["ky_tay"], tier="standard", year=2024, actor=actor(world, "kytay")
        )
    assert RecognitionCase.objects.count() == 1


# --- Documents ---------------------------------------------------------------------------------


def test_a_document_is_checked_by_content_and_nothing_is_stored_when_refused(world, settings):
    case = case_at(world, "dossier", ready=False)
    before = _snapshot(case)
    fake = SimpleUploadedFile("to-trinh.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(services.CaseRefused) as refused:
        services.add_document(case=case, kind="request", upload=fake, actor=actor(world, "kylac"))
    assert refused.value.problems[0].startswith(
        "Tệp “to-trinh.pdf” không phải là loại được nhận làm minh chứng"
    )
    assert _snapshot(case) == before
    assert not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_a_document_too_large_or_of_an_unknown_kind_is_refused(world, settings):
    settings.NTM_EVIDENCE_MAX_BYTES = 20
    case = case_at(world, "dossier", ready=False)
    with pytest.raises(services.CaseRefused, match="vượt quá giới hạn 20 B"):
        services.add_document(case=case, kind="request", upload=pdf(), actor=actor(world, "kylac"))
    with pytest.raises(services.CaseRefused, match="Loại tài liệu “bao-cao” không có"):
        services.add_document(case=case, kind="bao-cao", upload=pdf(), actor=actor(world, "kylac"))


def test_a_stored_document_keeps_its_name_type_and_stage(world, settings):
    case = case_at(world, "dossier", ready=False)
    document = services.add_document(
        case=case, kind="meeting_minutes", upload=pdf("biên bản họp.pdf"), number="03/BB",
        issued_on=D(2024, 10, 5), actor=actor(world, "kylac"),
    )  # fmt: skip
    assert (document.original_name, document.content_type, document.stage, document.number) == (
        "biên bản họp.pdf", "application/pdf", "dossier", "03/BB"
    )  # fmt: skip
    assert document.file.name.startswith("recognition/") and "biên" not in document.file.name
    assert (settings.MEDIA_ROOT / document.file.name).read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.get(
        action="recognition_case.document.add", object_id=str(document.pk)
    )
    assert entry.new["name"] == "biên bản họp.pdf"


def test_only_documents_of_the_current_stage_can_be_taken_off(world):
    case = case_at(world, "verification")
    earlier = case.documents.first()
    with pytest.raises(services.CaseRefused, match="thuộc phần hồ sơ đã gửi"):
        services.remove_document(document=earlier, actor=actor(world, "kyanh"))
    own = services.add_document(
        case=case, kind="verification_report", upload=pdf(), actor=actor(world, "kyanh")
    )
    services.remove_document(document=own, actor=actor(world, "kyanh"), reason="Nhầm tệp")
    own.refresh_from_db()
    assert own.is_removed is True
    assert AuditEntry.objects.get(action="recognition_case.document.remove").reason == "Nhầm tệp"


# --- Revocation of a recognition recorded outside the workflow -----------------------------


def test_a_revocation_case_can_be_opened_for_a_recognition_without_a_case(world):
    recognition = Recognition.objects.create(
        unit=world["ky_tay"], tier="standard", decision_number="3/QĐ", decision_date=D(2020, 5, 1)
    )
    with pytest.raises(services.CaseRefused, match="Cần ghi ý kiến"):
        services.open_revocation_case(
            recognition=recognition, actor=actor(world, "hatinh"), comment=""
        )
    with pytest.raises(WriteDenied):
        services.open_revocation_case(
            recognition=recognition, actor=actor(world, "kyanh"), comment="R"
        )
    assert RecognitionCase.objects.count() == 0
    case = services.open_revocation_case(
        recognition=recognition, actor=actor(world, "hatinh"), comment="Không đạt 6/10 tiêu chí."
    )
    assert (case.stage, case.recognition, case.year) == ("revocation", recognition, 2020)
    case = services.return_case(
        case=case, to_stage="monitoring", actor=actor(world, "hatinh"), comment="Đã khắc phục."
    )
    assert case.stage == "monitoring"


# --- Re-acknowledgement ------------------------------------------------------------------------


@pytest.fixture
def merged(world):
    lam_hop = Recognition.objects.create(
        unit=world["lam_hop"], tier="advanced", decision_number="21/QĐ-UBND",
        decision_date=D(2022, 12, 1),
    )  # fmt: skip
    return lam_hop


def test_re_acknowledgement_records_the_decision_and_the_new_recognition(world, merged):
    row = services.reacknowledge(
        unit=world["new_ky_lac"], tier="standard", recognition_ids=[merged.pk],
        decision_number="1500/QĐ-UBND", decision_date=D(2025, 9, 10), issuer="UBND tỉnh Hà Tĩnh",
        signer="Chủ tịch", actor=actor(world, "hatinh"),
    )  # fmt: skip
    assert list(row.acknowledged.all()) == [merged]
    recognition = row.recognition
    assert (recognition.unit, recognition.tier, recognition.decision_date) == (
        world["new_ky_lac"], "standard", D(2025, 9, 10)
    )  # fmt: skip
    assert (
        recognition.note == "Thừa nhận công nhận của đơn vị trước sắp xếp: Xã Lâm Hợp (21/QĐ-UBND)"
    )
    assert {e.action for e in AuditEntry.objects.filter(unit_id=world["new_ky_lac"].pk)} == {
        "recognition.record", "recognition.reacknowledge"
    }  # fmt: skip


def test_re_acknowledgement_refusals(world, merged):
    other = Recognition.objects.create(
        unit=world["ky_tay"], tier="standard", decision_number="8/QĐ", decision_date=D(2021, 1, 1)
    )
    before = (Recognition.objects.count(), AuditEntry.objects.count())
    with pytest.raises(services.CaseRefused) as refused:
        services.reacknowledge(
            unit=world["new_ky_lac"], tier="model", recognition_ids=[merged.pk, other.pk],
            decision_number="", decision_date=D(2025, 6, 1), issuer="UBND", actor=actor(world, "hatinh"),
        )  # fmt: skip
    assert refused.value.problems == [
        "Cần nhập số quyết định.",
        "Ngày quyết định không thể trước ngày xã được thành lập (01/07/2025).",
        "Xã Lâm Hợp chỉ được công nhận mức “Nông thôn mới nâng cao” (QĐ 21/QĐ-UBND): không thừa "
        "nhận mức cao hơn.",
        f"Quyết định công nhận #{other.pk} không phải của một đơn vị trước sắp xếp của Xã Kỳ Lạc "
        "còn hiệu lực ngày 30/6/2025.",
    ]
    with pytest.raises(WriteDenied):
        services.reacknowledge(
            unit=world["new_ky_lac"], tier="standard", recognition_ids=[merged.pk],
            decision_number="1", decision_date=D(2025, 9, 1), issuer="UBND", actor=actor(world, "newkylac"),
        )  # fmt: skip
    with pytest.raises(services.CaseRefused, match="không phải là xã hình thành khi sắp xếp"):
        services.reacknowledge(
            unit=world["ky_tay"], tier="standard", recognition_ids=[other.pk],
            decision_number="1", decision_date=D(2025, 9, 1), issuer="UBND", actor=actor(world, "hatinh"),
        )  # fmt: skip
    assert (Recognition.objects.count(), AuditEntry.objects.count()) == before


# --- Procedure settings ------------------------------------------------------------------------


def test_a_legal_setting_needs_its_document_and_stays_in_history(world):
    office = actor(world, "hatinh")
    with pytest.raises(services.CaseRefused) as refused:
        services.set_procedure_setting(
            province=world["province"], key="deadline_days.appraisal", value=10.5,
            decision_date=D(2024, 1, 1), actor=office,
        )  # fmt: skip
    assert refused.value.problems == [
        "Thời hạn thẩm định của tỉnh (bước 5) phải là số nguyên.",
        "Cần nhập số văn bản quy định.",
    ]
    with pytest.raises(services.CaseRefused, match="phải từ 0 đến 100, nhận được 120"):
        services.set_procedure_setting(
            province=world["province"], key="satisfaction_min_percent", value=120,
            decision_date=D(2024, 1, 1), decision_number="1/QĐ", actor=office,
        )  # fmt: skip
    assert ProcedureSetting.objects.count() == 0
    for value, day in ((30, D(2024, 1, 1)), (20, D(2024, 6, 1))):
        services.set_procedure_setting(
            province=world["province"], key="deadline_days.appraisal", value=value,
            decision_date=day, decision_number=f"{value}/QĐ-UBND", actor=office,
        )  # fmt: skip
    from ntm.recognition.selectors import setting_value

    assert setting_value(world["province"], "deadline_days.appraisal", D(2024, 3, 1)).value == 30
    assert setting_value(world["province"], "deadline_days.appraisal", D(2024, 7, 1)).value == 20
    assert (
        setting_value(world["province"], "deadline_days.verification", D(2024, 7, 1)).value is None
    )
    entries = AuditEntry.objects.filter(action="recognition.setting").order_by("id")
    assert [(e.old, e.new["value"]) for e in entries] == [
        ({"value": None}, 30.0),
        ({"value": 30.0}, 20.0),
    ]


def test_only_a_provincial_office_sets_the_procedure(world):
    for username in ("kyanh", "kylac", "hatinh_viewer", "thanhhoa"):
        with pytest.raises(WriteDenied):
            services.set_procedure_setting(
                province=world["province"], key="satisfaction_min_percent", value=90,
                decision_date=D(2024, 1, 1), decision_number="1/QĐ", actor=actor(world, username),
            )  # fmt: skip
    assert ProcedureSetting.objects.count() == 0
    assert not AuditEntry.objects.filter(action="recognition.setting").exists()


def test_a_setting_recorded_on_the_province_after_2025_applies_to_its_communes_before(world):
    """Hà Tĩnh's office works on the province of today; a level it sets under a 2022
    decision also decides the cases of Hà Tĩnh's communes of 2024 (the same province
    before the reform), and not those of another province."""
    from ntm.recognition.selectors import setting_value

    services.set_procedure_setting(
        province=world["province_2025"], key="satisfaction_min_percent", value=90,
        decision_date=D(2022, 3, 1), decision_number="05/2022/QĐ-UBND", actor=actor(world, "hatinh"),
    )  # fmt: skip
    assert setting_value(world["province"], "satisfaction_min_percent", D(2024, 12, 31)).value == 90
    assert setting_value(world["province"], "satisfaction_min_percent", D(2022, 1, 1)).value is None
    other = setting_value(world["other_province"], "satisfaction_min_percent", D(2024, 12, 31))
    assert other.value is None


def test_steps_entered_on_another_clock_carry_its_time_everywhere(world):
    """``now`` (the demo's clock): the case, its events, its documents and its audit entries
    take that time, and "not after today" means not after that day."""
    kylac = actor(world, "kylac")
    then = timezone.make_aware(dt.datetime.combine(D(2024, 1, 15), dt.time(9, 0)))
    case = services.register_case(
        unit=world["ky_lac"], tier="standard", year=2024, registered_on=D(2024, 1, 15),
        actor=kylac, now=then,
    )  # fmt: skip
    assert case.created_at == case.stage_since == case.events.get().at == then
    certify(world["ky_lac"], on=D(2024, 10, 1))
    with pytest.raises(services.CaseRefused, match="không thể sau hôm nay"):
        services.complete_self_assessment(
            case=case, assessed_on=D(2024, 10, 1), actor=kylac, now=then
        )
    later = then + dt.timedelta(days=260)
    case = services.complete_self_assessment(
        case=case, assessed_on=D(2024, 10, 1), actor=kylac, now=later
    )
    document = services.add_document(
        case=case, kind="request", upload=pdf(), actor=kylac, issued_on=D(2024, 10, 1), now=later
    )
    assert case.stage_since == case.events.get(action="self_assess").at == later
    assert document.uploaded_at == later
    entries = AuditEntry.objects.filter(action__startswith="recognition_case.")
    assert sorted(entries.values_list("at", flat=True)) == [then, later, later]
