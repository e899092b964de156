"""Submissions and their approval: a unit's entry for a set and period on its way to
approval and lock, who verifies which criterion, each criterion's verification, and the
history of a submission. The services are in ``ntm.approvals.approval``.

The tables keep their names from ``assessments``, where these models lived before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ntm.units.models import AdminUnit, Department


class SubmissionStatusChoices(models.TextChoices):
    """Where a unit's entry for a set and period stands on its way to approval and lock.

    draft -> submitted (by the unit) -> verified (every criterion by its department) ->
    approved (by the coordination office of the level above) -> locked. Values can change
    only in draft; see ``ntm.approvals.approval`` for who moves a period and how back.
    """

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã gửi, chờ thẩm tra")
    VERIFIED = "verified", _("Đã thẩm tra, chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    LOCKED = "locked", _("Đã khóa")


class Submission(models.Model):
    """A unit's entry for one criteria set and reporting period: a draft, or sent upward.

    One per unit × set × period. The values themselves live in IndicatorValue (observed on
    the period's last day); this row records how far the entry has come and who moved it.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="submissions")
    set_id = models.CharField(_("bộ tiêu chí"), max_length=100)
    period = models.CharField(
        _("kỳ báo cáo"), max_length=20, help_text=_("2024, 2024-H1, 2024-Q3, 2024-06 hoặc ngày.")
    )
    observed_on = models.DateField(_("số liệu tại ngày"))
    status = models.CharField(
        _("tình trạng"),
        max_length=16,
        choices=SubmissionStatusChoices.choices,
        default=SubmissionStatusChoices.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("thời điểm cập nhật"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    # The approval steps (ntm.approvals.approval): when the status last changed, by what
    # action, and who approved and locked the period.
    status_changed_at = models.DateTimeField(
        _("tình trạng từ lúc"), null=True, blank=True, db_index=True
    )
    last_action = models.CharField(_("thao tác gần nhất"), max_length=16, blank=True)
    set_version = models.PositiveIntegerField(_("phiên bản bộ tiêu chí"), null=True, blank=True)
    keys = models.JSONField(
        _("mã chỉ tiêu và tiêu chí"),
        default=list,
        blank=True,
        help_text=_("Các chỉ tiêu và tiêu chí của phiên bản bộ tiêu chí khi gửi: phần bị khóa."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("thời điểm phê duyệt"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người khóa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("thời điểm khóa"), null=True, blank=True)

    class Meta:
        db_table = "assessments_submission"
        verbose_name = _("kỳ nhập số liệu")
        verbose_name_plural = _("kỳ nhập số liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "set_id", "period"],
                name="submission_one_per_unit_set_period",
                violation_error_message=_("Đơn vị đã có một kỳ nhập cho bộ tiêu chí và kỳ này."),
            )
        ]
        indexes = [
            models.Index(fields=["set_id", "period", "status"], name="submission_set_period"),
            models.Index(fields=["unit", "observed_on"], name="submission_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.set_id} {self.period}: {self.status}"


class CriterionResponsibility(models.Model):
    """A coordination office assigns a criterion to the department that verifies it.

    The office is a province (or a district that assigns its own departments); the
    assignment holds for every unit under it and replaces the default, which is the
    office's department of the criterion's conventional sector (``data/sectors.yaml``).
    The nearest office above a unit that assigned the criterion wins.
    """

    unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="criterion_responsibilities",
        verbose_name=_("đơn vị giao"),
        help_text=_("Tỉnh (hoặc huyện) giao trách nhiệm cho các đơn vị trực thuộc."),
    )
    criterion_key = models.CharField(_("tiêu chí"), max_length=150)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="criterion_responsibilities",
        verbose_name=_("sở, ngành phụ trách"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("thời điểm giao"), auto_now=True)

    class Meta:
        db_table = "assessments_criterionresponsibility"
        verbose_name = _("sở, ngành phụ trách tiêu chí")
        verbose_name_plural = _("sở, ngành phụ trách tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "criterion_key"],
                name="responsibility_one_per_criterion",
                violation_error_message=_("Tiêu chí này đã được giao cho một sở, ngành."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion_key}: {self.department}"


class CriterionVerification(models.Model):
    """One criterion of a submitted period, to be verified by its responsible department.

    Created for every criterion of the set when the unit submits, with the department
    responsible then (none: the coordination office verifies it). Verifying fills who,
    when and the comment. Returning or unlocking the period ends the round: the rows stay
    as history with ``is_current`` false and the next submission starts a new round.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="verifications"
    )
    criterion_key = models.CharField(_("tiêu chí"), max_length=150)
    number = models.CharField(_("số tiêu chí"), max_length=20)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        verbose_name=_("sở, ngành thẩm tra"),
        help_text=_("Để trống: văn phòng điều phối thẩm tra."),
    )
    is_current = models.BooleanField(_("thuộc lượt xét hiện tại"), default=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    on_behalf = models.BooleanField(
        _("văn phòng xác nhận thay sở, ngành"),
        default=False,
        help_text=_("Văn phòng điều phối xác nhận theo văn bản của sở, ngành phụ trách."),
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        db_table = "assessments_criterionverification"
        verbose_name = _("thẩm tra tiêu chí")
        verbose_name_plural = _("thẩm tra tiêu chí")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion_key"],
                condition=models.Q(is_current=True),
                name="verification_one_current_per_criterion",
            )
        ]
        indexes = [
            models.Index(
                fields=["department", "is_current", "verified_at"], name="verification_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.criterion_key}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class SubmissionActionChoices(models.TextChoices):
    """A step of a submission's history, named as the history reads it."""

    CREATE = "create", pgettext_lazy("approval history", "Tạo bản nháp")
    SUBMIT = "submit", pgettext_lazy("approval history", "Gửi lên")
    WITHDRAW = "withdraw", pgettext_lazy("approval history", "Rút về bản nháp")
    VERIFY = "verify", pgettext_lazy("approval history", "Xác nhận tiêu chí")
    RETURN = "return", pgettext_lazy("approval history", "Trả lại")
    APPROVE = "approve", pgettext_lazy("approval history", "Phê duyệt")
    LOCK = "lock", pgettext_lazy("approval history", "Khóa")
    UNLOCK = "unlock", pgettext_lazy("approval history", "Mở khóa")


class SubmissionEvent(models.Model):
    """One step of a submission's history: who did what, when, from which status to which,
    with the comment or reason given. Append-only, like the audit trail."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=16, choices=SubmissionActionChoices.choices)
    from_status = models.CharField(_("từ tình trạng"), max_length=16, blank=True)
    to_status = models.CharField(_("sang tình trạng"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sở, ngành"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    comment = models.TextField(_("ý kiến, lý do"), blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        db_table = "assessments_submissionevent"
        verbose_name = _("bước xét duyệt")
        verbose_name_plural = _("lịch sử xét duyệt")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Append-only: a step, once recorded, is never rewritten.
        if self.pk is not None:
            raise ValueError("Submission events cannot be changed.")
        super().save(*args, **kwargs)
