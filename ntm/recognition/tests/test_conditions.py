"""The four conditions of Decision 18/2022 before a decision: each failing alone refuses the
decision with its reason in words, and nothing is written."""

from __future__ import annotations

import pytest

from ntm.audit.models import AuditEntry
from ntm.programme.models import Registration
from ntm.recognition import services
from ntm.recognition.conditions import check_conditions
from ntm.recognition.models import CaseDocument, Recognition, RecognitionCase
from ntm.recognition.tests.helpers import SET_ID, D, actor, case_at, set_satisfaction
from ntm.values.models import CriterionCertification

DECISION = {
    "decision_number": "1021/QĐ-UBND",
    "decision_date": D(2024, 11, 1),
    "signer": "Phó Chủ tịch UBND tỉnh",
    "issuer": "UBND tỉnh Hà Tĩnh",
}


@pytest.fixture
def ready(world):
    """Kỳ Lạc's 2024 case at the decision, every condition documented, the level set at 90 %."""
    set_satisfaction(world)
    return case_at(world, "decision")


def _decide(world, case):
    return services.decide_case(case=case, actor=actor(world, "hatinh"), **DECISION)


def _refused(world, case) -> list[str]:
    before = (AuditEntry.objects.count(), Recognition.objects.count(), case.events.count())
    with pytest.raises(services.DecisionRefused) as refused:
        _decide(world, case)
    case.refresh_from_db()
    assert case.stage == "decision"
    assert case.recognition_id is None
    after = (AuditEntry.objects.count(), Recognition.objects.count(), case.events.count())
    assert after == before
    assert Registration.objects.get(pk=case.registration_id).status == "appraised"
    return refused.value.problems


def test_decision_is_recorded_when_all_four_conditions_hold(world, ready):
    recognition = _decide(world, ready)
    ready.refresh_from_db()
    assert ready.stage == "announcement"
    assert ready.recognition == recognition
    assert (recognition.tier, recognition.decision_number, recognition.signer) == (
        "standard",
        "1021/QĐ-UBND",
        "Phó Chủ tịch UBND tỉnh",
    )
    assert recognition.criteria_set.label == f"{SET_ID}@1"
    assert Registration.objects.get(pk=ready.registration_id).status == "recognized"
    conditions = ready.events.get(action="decide").details["conditions"]
    assert conditions[0] == (
        "C1 (Đạt đầy đủ các tiêu chí của bộ tiêu chí áp dụng): đạt 10/10 tiêu chí của "
        "Bộ mười tiêu chí (thử) tại ngày 01/11/2024"
    )
    assert conditions[1].endswith("95,5% người dân hài lòng, đạt mức yêu cầu 90%")


def test_c1_fails_alone_when_a_criterion_is_not_met_on_the_decision_date(world, ready):
    CriterionCertification.objects.create(
        unit=world["ky_lac"],
        criterion_key=f"{SET_ID}:3",
        is_met=False,
        certified_on=D(2024, 10, 20),
    )
    problems = _refused(world, ready)
    assert problems == [
        "Chưa thể ghi quyết định công nhận: 1 điều kiện của QĐ 18/2022/QĐ-TTg chưa đạt.",
        "C1 (Đạt đầy đủ các tiêu chí của bộ tiêu chí áp dụng): mới đạt 9/10 tiêu chí của Bộ "
        "mười tiêu chí (thử) tại ngày 01/11/2024; chưa đạt: 3. Tiêu chí 3",
    ]


def test_c1_counts_evidence_in_force_on_the_decision_date_only(world, ready):
    CriterionCertification.objects.create(
        unit=world["ky_lac"], criterion_key=f"{SET_ID}:3", is_met=False, certified_on=D(2024, 11, 2)
    )
    assert _decide(world, ready).decision_date == D(2024, 11, 1)


def test_c2_fails_alone_below_the_level_the_province_set(world, ready):
    set_satisfaction(world, value=96)
    problems = _refused(world, ready)
    assert problems[1:] == [
        "C2 (Mức độ hài lòng của người dân đạt mức yêu cầu): 95,5% người dân hài lòng, thấp "
        "hơn mức yêu cầu 96%"
    ]


def test_c2_cannot_pass_while_the_province_has_not_set_the_level(world):
    case = case_at(world, "decision")
    problems = _refused(world, case)
    assert len(problems) == 2
    assert problems[1].startswith(
        "C2 (Mức độ hài lòng của người dân đạt mức yêu cầu): tỉnh chưa xác định mức hài lòng "
        "yêu cầu (cần xác nhận"
    )
    assert "trang Thông số quy trình" in problems[1]
    state = {c.code: c.state for c in check_conditions(case, on=D(2024, 11, 1)).checks}
    assert state == {"C1": "met", "C2": "needs_setting", "C3": "met", "C4": "met"}


def test_c2_uses_the_level_in_force_on_the_decision_date(world):
    case = case_at(world, "decision")
    services.set_procedure_setting(
        province=world["province"], key="satisfaction_min_percent", value=90,
        decision_date=D(2024, 12, 1), decision_number="55/2024/QĐ-UBND", actor=actor(world, "hatinh"),
    )  # fmt: skip
    problems = _refused(world, case)
    assert "tỉnh chưa xác định mức hài lòng yêu cầu" in problems[1]


def test_c2_fails_when_the_survey_document_was_taken_off(world, ready):
    # The office adds its own copy at the decision stage, declares, then takes the file off.
    survey = CaseDocument.objects.get(case=ready, kind="satisfaction_survey")
    survey.is_removed = True
    survey.save()
    problems = _refused(world, ready)
    assert problems[1:] == [
        "C2 (Mức độ hài lòng của người dân đạt mức yêu cầu): chưa có tài liệu “Kết quả lấy ý "
        "kiến sự hài lòng của người dân (MTTQ)”"
    ]


def test_c3_fails_alone_when_debt_is_declared(world, ready):
    services.declare_conditions(
        case=ready,
        declaration=services.Declaration(
            has_construction_debt=True, debt_declared_on=D(2024, 10, 25)
        ),
        actor=actor(world, "hatinh"),
    )
    assert _refused(world, ready)[1:] == [
        "C3 (Không có nợ đọng xây dựng cơ bản): xã còn nợ đọng xây dựng cơ bản"
    ]


def test_c4_fails_alone_when_the_police_find_security_complicated(world, ready):
    services.declare_conditions(
        case=ready,
        declaration=services.Declaration(
            is_security_complicated=True,
            security_confirmed_by="Công an huyện Kỳ Anh",
            security_confirmed_on=D(2024, 10, 25),
        ),
        actor=actor(world, "hatinh"),
    )
    assert _refused(world, ready)[1:] == [
        "C4 (Tình hình an ninh, trật tự không phức tạp): cơ quan công an xác nhận tình hình "
        "an ninh, trật tự phức tạp"
    ]


def test_undeclared_conditions_are_each_listed(world):
    set_satisfaction(world)
    case = case_at(world, "decision", ready=False)
    problems = _refused(world, case)
    assert problems[0] == (
        "Chưa thể ghi quyết định công nhận: 3 điều kiện của QĐ 18/2022/QĐ-TTg chưa đạt."
    )
    assert problems[1:] == [
        "C2 (Mức độ hài lòng của người dân đạt mức yêu cầu): chưa nhập kết quả lấy ý kiến sự "
        "hài lòng của người dân; chưa có tài liệu “Kết quả lấy ý kiến sự hài lòng của người "
        "dân (MTTQ)”",
        "C3 (Không có nợ đọng xây dựng cơ bản): chưa kê khai tình hình nợ đọng xây dựng cơ "
        "bản; chưa có tài liệu “Báo cáo tình hình nợ đọng xây dựng cơ bản”",
        "C4 (Tình hình an ninh, trật tự không phức tạp): chưa có xác nhận của cơ quan công an "
        "về tình hình an ninh, trật tự; chưa có tài liệu “Văn bản xác nhận của Công an về "
        "tình hình an ninh, trật tự”",
    ]


def test_a_declaration_needs_its_document_first(world):
    case = case_at(world, "dossier", ready=False)
    before = AuditEntry.objects.count()
    with pytest.raises(services.CaseRefused) as refused:
        services.declare_conditions(
            case=case,
            declaration=services.Declaration(
                satisfaction_percent="92", satisfaction_on=D(2024, 10, 2)
            ),
            actor=actor(world, "kylac"),
        )
    assert refused.value.problems == [
        "Kê khai C2 cần tài liệu “Kết quả lấy ý kiến sự hài lòng của người dân (MTTQ)” trong hồ "
        "sơ: tải tài liệu lên trước."
    ]
    case.refresh_from_db()
    assert case.satisfaction_percent is None
    assert AuditEntry.objects.count() == before


def test_a_satisfaction_share_above_100_is_refused(world):
    case = case_at(world, "dossier")
    with pytest.raises(services.CaseRefused) as refused:
        services.declare_conditions(
            case=case,
            declaration=services.Declaration(
                satisfaction_percent="120", satisfaction_on=D(2024, 10, 2)
            ),
            actor=actor(world, "kylac"),
        )
    assert refused.value.problems == ["Tỷ lệ hài lòng phải từ 0 đến 100%, nhận được 120."]
    assert RecognitionCase.objects.get(pk=case.pk).satisfaction_percent == 95.5
