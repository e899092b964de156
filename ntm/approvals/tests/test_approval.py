"""Approval steps: every legal transition, and every illegal one with its message and
nothing changed after it (wrong state, role, department, office, scope)."""

from __future__ import annotations

import pytest

from ntm.accounts.permissions import WriteDenied
from ntm.approvals import approval
from ntm.approvals.approval import CommentRequired, TransitionRefused, allowed_actions
from ntm.approvals.models import CriterionVerification, Submission, SubmissionEvent
from ntm.approvals.tests.approval_world import INCOME, PERIOD, YEAR_END, World, world
from ntm.audit.models import AuditEntry
from ntm.values.entry import record_submission
from ntm.values.services import record_value

__all__ = ["world"]


def submit(w: World, username: str = "kylac") -> Submission:
    return approval.submit_period(
        unit=w.units["ky_lac"], criteria_set=w.criteria_set, period=PERIOD, actor=w.actor(username)
    )


def verify(w: World, username: str, numbers=None, comment: str = ""):
    return approval.verify_criteria(
        submission=w.submission(), numbers=numbers, actor=w.actor(username), comment=comment
    )


def verified_by_all(w: World) -> Submission:
    submit(w)
    verify(w, "sogtvt")
    verify(w, "soyte")
    verify(w, "kyanh")  # 10 and 19: no department, the office's own
    return w.submission()


def approved(w: World) -> Submission:
    verified_by_all(w)
    return approval.approve_submission(submission=w.submission(), actor=w.actor("kyanh"))


def locked(w: World) -> Submission:
    approved(w)
    return approval.lock_submission(submission=w.submission(), actor=w.actor("kyanh"))


def snapshot() -> tuple:
    """Everything a refused step must leave as it was."""
    return (
        list(Submission.objects.order_by("pk").values()),
        list(CriterionVerification.objects.order_by("pk").values()),
        SubmissionEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(error_type, call, match: str):
    before = snapshot()
    with pytest.raises(error_type) as raised:
        call()
    assert match in str(raised.value), str(raised.value)
    assert snapshot() == before
    return str(raised.value)


# --------------------------------------------------------------------------- submit


def test_submitting_freezes_keys_and_opens_one_verification_per_criterion(world):
    submission = submit(world)
    assert (submission.status, submission.submitted_by, submission.set_version) == (
        "submitted",
        world.users["kylac"],
        1,
    )
    assert submission.keys == sorted(
        ["test-commune:1", "test-commune:1.1", "test-commune:10", "test-commune:19",
         "test-commune:2", "test-commune:2.1"]
    )  # fmt: skip
    rows = CriterionVerification.objects.filter(submission=submission).order_by("position")
    assert [(r.number, r.department and r.department.name) for r in rows] == [
        ("1", "Sở Y tế Hà Tĩnh"),
        ("2", "Sở Giao thông Vận tải Hà Tĩnh"),
        ("10", None),  # no statistics office in Hà Tĩnh: the coordination office verifies
        ("19", None),  # no sector
    ]
    events = list(submission.events.values_list("action", "from_status", "to_status"))
    assert events == [("create", "", "draft"), ("submit", "draft", "submitted")]
    audit = list(
        AuditEntry.objects.order_by("id").values_list("action", "actor_name", "ip_address")
    )
    assert audit == [
        ("submission.create", "kylac", "10.0.0.1"),
        ("submission.submit", "kylac", "10.0.0.1"),
    ]


@pytest.mark.parametrize(
    ("username", "error", "match"),
    [
        ("xem", WriteDenied, "Vai trò “Xem” không được làm việc này"),
        ("sogtvt", WriteDenied, "Vai trò “Thẩm tra (sở, ngành)” không được làm việc này"),
        ("kytay", WriteDenied, "Đơn vị “Xã Kỳ Lạc” nằm ngoài phạm vi"),
        ("thanhhoa", WriteDenied, "Đơn vị “Xã Kỳ Lạc” nằm ngoài phạm vi"),
    ],
)
def test_submitting_is_refused_to_other_roles_and_units(world, username, error, match):
    refused(error, lambda: submit(world, username), match)
    assert Submission.objects.count() == 0


def test_submitting_twice_is_refused_with_the_state(world):
    submit(world)
    refused(TransitionRefused, lambda: submit(world), "đang chờ thẩm tra nên không gửi lại được")


def test_the_legacy_submit_call_is_idempotent_and_takes_a_submitted_period_back(world):
    args = {"unit": world.units["ky_lac"], "criteria_set": world.criteria_set, "period": PERIOD,
            "actor": world.actor("kylac")}  # fmt: skip
    first, changed = record_submission(status="submitted", **args)
    assert changed and first.status == "submitted"
    assert record_submission(status="submitted", **args) == (first, False)
    back, changed = record_submission(status="draft", **args)
    assert changed and back.status == "draft"
    assert not CriterionVerification.objects.filter(is_current=True).exists()


# --------------------------------------------------------------------------- withdraw


def test_the_unit_withdraws_a_period_before_any_verification(world):
    submit(world)
    back = approval.withdraw_submission(submission=world.submission(), actor=world.actor("kylac"))
    assert (back.status, back.last_action) == ("draft", "withdraw")
    assert CriterionVerification.objects.filter(is_current=True).count() == 0
    assert CriterionVerification.objects.count() == 4  # the round stays as history
    assert AuditEntry.objects.filter(action="submission.reopen").count() == 1


def test_withdrawing_after_a_verification_is_refused_naming_it(world):
    submit(world)
    verify(world, "sogtvt")
    message = refused(
        TransitionRefused,
        lambda: approval.withdraw_submission(
            submission=world.submission(), actor=world.actor("kylac")
        ),
        "không rút về được: tiêu chí 2 đã được xác nhận lúc",
    )
    assert "(sogtvt)" in message
    assert "người phê duyệt (văn phòng điều phối) của Huyện Kỳ Anh hoặc cấp trên" in message


def test_withdrawing_is_refused_to_a_verifier_and_to_another_commune(world):
    submit(world)
    for username, match in (("sogtvt", "không được làm việc này"), ("kytay", "ngoài phạm vi")):
        refused(
            WriteDenied,
            lambda u=username: approval.withdraw_submission(
                submission=world.submission(), actor=world.actor(u)
            ),
            match,
        )


# --------------------------------------------------------------------------- verify


def test_a_department_verifies_its_own_criteria_and_the_period_stays_submitted(world):
    submit(world)
    rows = verify(world, "sogtvt", comment="Đã kiểm tra hồ sơ giao thông")
    assert [r.number for r in rows] == ["2"]
    row = CriterionVerification.objects.get(number="2", is_current=True)
    assert (row.verified_by, row.comment, row.on_behalf) == (
        world.users["sogtvt"],
        "Đã kiểm tra hồ sơ giao thông",
        False,
    )
    assert world.submission().status == "submitted"
    event = SubmissionEvent.objects.get(action="verify")
    assert (event.department, event.data) == (
        world.gtvt,
        {"criteria": ["2"], "on_behalf": [], "verified": 1, "total": 4},
    )
    entry = AuditEntry.objects.get(action="submission.verify")
    assert (entry.actor_name, entry.reason) == ("sogtvt", "Đã kiểm tra hồ sơ giao thông")


def test_the_last_criterion_verified_moves_the_period_to_verified(world):
    submission = verified_by_all(world)
    assert (submission.status, submission.last_action) == ("verified", "verify")
    assert CriterionVerification.objects.filter(verified_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("username", "numbers", "error", "match"),
    [
        ("sogtvt", ["1"], WriteDenied, "Tiêu chí 1 do Sở Y tế Hà Tĩnh thẩm tra"),
        ("sogtvt", ["10"], WriteDenied, "Tiêu chí 10 không giao cho sở, ngành nào"),
        ("thamtra", None, WriteDenied, "chưa gắn với sở, ngành nào"),
        ("th_gtvt", ["2"], WriteDenied, "ngoài phạm vi"),
        ("kylac", ["2"], WriteDenied, "Vai trò “Nhập liệu” không được làm việc này"),
        ("xa_pheduyet", ["2"], WriteDenied, "không được làm việc này"),
        ("sogtvt", ["7"], TransitionRefused, "Bộ tiêu chí test-commune không có tiêu chí “7”"),
    ],
)
def test_verifying_is_refused_outside_ones_department_office_or_scope(
    world, username, numbers, error, match
):
    submit(world)
    refused(error, lambda: verify(world, username, numbers), match)


def test_verifying_a_draft_is_refused(world):
    record_value(unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END,
                 value=40, actor=world.actor("kylac"))  # fmt: skip
    record_submission(unit=world.units["ky_lac"], criteria_set=world.criteria_set, period=PERIOD,
                      status="draft", actor=world.actor("kylac"))  # fmt: skip
    refused(
        TransitionRefused,
        lambda: verify(world, "sogtvt"),
        "Kỳ 2021 của Xã Kỳ Lạc (bộ tiêu chí test-commune) đang là bản nháp: đơn vị chưa gửi lên "
        "nên chưa xác nhận tiêu chí được.",
    )


def test_verifying_twice_or_with_nothing_left_is_refused(world):
    submit(world)
    verify(world, "sogtvt")
    refused(
        TransitionRefused, lambda: verify(world, "sogtvt", ["2"]), "Tiêu chí 2 đã được xác nhận"
    )
    refused(TransitionRefused, lambda: verify(world, "sogtvt"), "không còn tiêu chí nào chờ")


def test_the_office_verifies_for_a_department_only_with_a_comment(world):
    submit(world)
    refused(
        CommentRequired,
        lambda: verify(world, "kyanh", ["1"]),
        "Văn phòng điều phối xác nhận thay Sở Y tế Hà Tĩnh: cần ghi ý kiến",
    )
    verify(world, "kyanh", ["1"], comment="Theo văn bản 12/SYT ngày 10/01/2022")
    row = CriterionVerification.objects.get(number="1", is_current=True)
    assert (row.on_behalf, row.verified_by) == (True, world.users["kyanh"])
    assert SubmissionEvent.objects.get(action="verify").data["on_behalf"] == ["1"]


def test_the_province_office_may_act_for_the_district(world):
    submit(world)
    verify(world, "hatinh", comment="Theo các văn bản của sở, ngành")
    assert world.submission().status == "verified"


# --------------------------------------------------------------------------- approve, lock


def test_approving_before_every_criterion_is_verified_lists_what_is_missing(world):
    submit(world)
    verify(world, "sogtvt")
    refused(
        TransitionRefused,
        lambda: approval.approve_submission(
            submission=world.submission(), actor=world.actor("kyanh")
        ),
        "Chưa phê duyệt được: còn 3 tiêu chí chưa được thẩm tra: 1 (Sở Y tế Hà Tĩnh); "
        "10 (văn phòng điều phối); 19 (văn phòng điều phối).",
    )


def test_the_district_office_approves_and_the_result_is_noted(world):
    record_value(unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END,
                 value=40, actor=world.actor("kylac"))  # fmt: skip
    submission = approved(world)
    assert (submission.status, submission.approved_by) == ("approved", world.users["kyanh"])
    event = SubmissionEvent.objects.get(action="approve")
    assert event.data == {"set_version": 1, "met": 1, "total": 4}


@pytest.mark.parametrize(
    ("username", "match"),
    [
        ("kylac", "Vai trò “Nhập liệu” không được làm việc này"),
        ("sogtvt", "Vai trò “Thẩm tra (sở, ngành)” không được làm việc này"),
        ("xa_pheduyet", "Chỉ người phê duyệt (văn phòng điều phối) của Huyện Kỳ Anh hoặc cấp trên"),
        ("thanhhoa", "ngoài phạm vi"),
    ],
)
def test_approving_locking_and_unlocking_need_the_office_above(world, username, match):
    verified_by_all(world)
    actor = world.actor(username)
    refused(
        WriteDenied,
        lambda: approval.approve_submission(submission=world.submission(), actor=actor),
        match,
    )  # noqa: E501
    approval.approve_submission(submission=world.submission(), actor=world.actor("kyanh"))
    refused(
        WriteDenied,
        lambda: approval.lock_submission(submission=world.submission(), actor=actor),
        match,
    )  # noqa: E501
    approval.lock_submission(submission=world.submission(), actor=world.actor("kyanh"))
    refused(
        WriteDenied,
        lambda: approval.unlock_submission(submission=world.submission(), actor=actor, reason="x"),
        match,
    )


def test_locking_comes_after_approval(world):
    verified_by_all(world)
    refused(
        TransitionRefused,
        lambda: approval.lock_submission(submission=world.submission(), actor=world.actor("kyanh")),
        "chưa được phê duyệt: phê duyệt trước rồi mới khóa",
    )
    approval.approve_submission(submission=world.submission(), actor=world.actor("hatinh"))
    done = approval.lock_submission(submission=world.submission(), actor=world.actor("hatinh"))
    assert (done.status, done.locked_by) == ("locked", world.users["hatinh"])
    refused(
        TransitionRefused,
        lambda: approval.lock_submission(submission=world.submission(), actor=world.actor("kyanh")),
        "đã khóa từ",
    )


# --------------------------------------------------------------------------- return, unlock


def test_a_verifier_returns_a_submitted_period_with_a_comment_ending_the_round(world):
    submit(world)
    verify(world, "soyte")
    refused(
        CommentRequired,
        lambda: approval.return_submission(
            submission=world.submission(), actor=world.actor("sogtvt"), comment="  "
        ),
        "Trả lại cần ý kiến",
    )
    back = approval.return_submission(
        submission=world.submission(), actor=world.actor("sogtvt"), comment="Thiếu biên bản"
    )
    assert (back.status, back.last_action) == ("draft", "return")
    assert CriterionVerification.objects.filter(is_current=True).count() == 0
    event = SubmissionEvent.objects.get(action="return")
    assert (event.comment, event.department, event.data) == (
        "Thiếu biên bản",
        world.gtvt,
        {"verifications_ended": 4},
    )
    assert AuditEntry.objects.get(action="submission.return").reason == "Thiếu biên bản"


def test_the_office_returns_a_verified_or_approved_period(world):
    verified_by_all(world)
    approval.return_submission(
        submission=world.submission(), actor=world.actor("kyanh"), comment="Sai số liệu"
    )  # noqa: E501
    assert world.submission().status == "draft"
    submit(world)
    verify(world, "hatinh", comment="Theo văn bản")
    approval.approve_submission(submission=world.submission(), actor=world.actor("kyanh"))
    back = approval.return_submission(
        submission=world.submission(), actor=world.actor("hatinh"), comment="Xem lại"
    )
    assert (back.status, back.approved_by) == ("draft", None)


@pytest.mark.parametrize(
    ("state", "username", "error", "match"),
    [
        ("draft", "kyanh", TransitionRefused, "đang là bản nháp"),
        ("approved", "sogtvt", WriteDenied, "đã được phê duyệt: chỉ người phê duyệt"),
        ("locked", "kyanh", TransitionRefused, "đã khóa từ"),
        ("submitted", "th_gtvt", WriteDenied, "ngoài phạm vi"),
        ("submitted", "kylac", WriteDenied, "Vai trò “Nhập liệu” không được làm việc này"),
    ],
)
def test_returning_is_refused_where_it_does_not_apply(world, state, username, error, match):
    if state == "draft":
        submit(world)
        approval.withdraw_submission(submission=world.submission(), actor=world.actor("kylac"))
    elif state == "approved":
        approved(world)
    elif state == "locked":
        locked(world)
    else:
        submit(world)
    refused(
        error,
        lambda: approval.return_submission(
            submission=world.submission(), actor=world.actor(username), comment="Sửa"
        ),
        match,
    )


def test_a_department_without_criteria_in_the_period_cannot_return_it(world):
    world.users["soyte"].profile.department = world.gtvt.__class__.objects.create(
        unit=world.units["province"], name="Sở Tư pháp Hà Tĩnh", sector="justice"
    )
    world.users["soyte"].profile.save()
    submit(world)
    refused(
        WriteDenied,
        lambda: approval.return_submission(
            submission=world.submission(), actor=world.actor("soyte"), comment="Sửa"
        ),
        "Chỉ sở, ngành thẩm tra một tiêu chí của kỳ này",
    )


def test_unlocking_needs_a_reason_and_returns_the_period_to_draft(world):
    locked(world)
    refused(
        CommentRequired,
        lambda: approval.unlock_submission(
            submission=world.submission(), actor=world.actor("kyanh"), reason=""
        ),  # noqa: E501
        "Mở khóa cần lý do",
    )
    back = approval.unlock_submission(
        submission=world.submission(), actor=world.actor("hatinh"), reason="Sai thu nhập"
    )
    assert (back.status, back.last_action, back.locked_by, back.locked_at) == (
        "draft",
        "unlock",
        None,
        None,
    )
    event = SubmissionEvent.objects.get(action="unlock")
    assert (event.comment, event.data["locked_by"]) == ("Sai thu nhập", "kyanh")
    assert AuditEntry.objects.get(action="submission.unlock").reason == "Sai thu nhập"
    refused(
        TransitionRefused,
        lambda: approval.unlock_submission(
            submission=world.submission(), actor=world.actor("kyanh"), reason="x"
        ),  # noqa: E501
        "không bị khóa (tình trạng: Bản nháp)",
    )


def test_the_full_history_reads_in_order(world):
    locked(world)
    approval.unlock_submission(
        submission=world.submission(), actor=world.actor("kyanh"), reason="Sửa"
    )  # noqa: E501
    steps = list(world.submission().events.values_list("action", "actor_name"))
    assert steps == [
        ("create", "kylac"), ("submit", "kylac"), ("verify", "sogtvt"), ("verify", "soyte"),
        ("verify", "kyanh"), ("approve", "kyanh"), ("lock", "kyanh"), ("unlock", "kyanh"),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="cannot be changed"):
        SubmissionEvent.objects.first().save()


# --------------------------------------------------------------------------- allowed actions


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("none", {"kylac": ["submit"], "sogtvt": [], "kyanh": ["submit"], "kytay": []}),
        ("submitted", {"kylac": ["withdraw"], "sogtvt": ["verify", "return"],
                       "kyanh": ["verify", "return"], "kytay": []}),
        ("verified", {"kylac": [], "sogtvt": ["return"], "kyanh": ["return", "approve"],
                      "kytay": []}),
        ("approved", {"kylac": [], "sogtvt": [], "kyanh": ["return", "lock"], "kytay": []}),
        ("locked", {"kylac": [], "sogtvt": [], "kyanh": ["unlock"], "kytay": []}),
    ],
)  # fmt: skip
def test_each_persona_is_offered_the_steps_it_may_take(world, state, expected):
    {"submitted": submit, "verified": verified_by_all, "approved": approved,
     "locked": locked}.get(state, lambda w: None)(world)  # fmt: skip
    submission = Submission.objects.first()
    rows = approval.current_round(submission) if submission else []
    for username, names in expected.items():
        allowed = allowed_actions(world.users[username], world.units["ky_lac"], submission, rows)
        assert allowed.names == names, username
    if state == "submitted":
        mine = allowed_actions(world.users["sogtvt"], world.units["ky_lac"], submission, rows)
        assert [r.number for r in mine.verify] == ["2"]
        office = allowed_actions(world.users["kyanh"], world.units["ky_lac"], submission, rows)
        assert [r.number for r in office.on_behalf] == ["1", "2"]
