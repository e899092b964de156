"""Recognition cases of Decision 18/2022/QĐ-TTg, their steps and documents, the settings a
province fixes for the procedure, and re-acknowledgements of communes merged in 2025.

The decisions themselves are here too: a case's decision is a ``Recognition`` and its
revocation a ``Revocation``; a case links to the unit's ``programme.Registration``. Their
tables keep their names from ``assessments``, where they lived before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ntm.accounts.records import Recorded
from ntm.criteria.models import CriteriaSet, TierChoices
from ntm.programme.models import Registration
from ntm.units.models import AdminUnit


class Recognition(Recorded):
    """A decision recognizing a unit at a tier (công nhận)."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="recognitions")
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("bộ tiêu chí")
    )
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        db_table = "assessments_recognition"
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "tier", "decision_number"], name="recognition_unique_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} {self.decision_number}"


class Revocation(Recorded):
    """A decision revoking a recognition (thu hồi)."""

    recognition = models.OneToOneField(
        Recognition, on_delete=models.PROTECT, related_name="revocation"
    )
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        db_table = "assessments_revocation"
        verbose_name = _("quyết định thu hồi")
        verbose_name_plural = _("quyết định thu hồi")

    def __str__(self) -> str:
        return f"{self.recognition} / {self.decision_number}"


class Stage(models.TextChoices):
    """Where a case stands: the step it waits for (the last two close it)."""

    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    DOSSIER = "dossier", _("Hoàn thiện hồ sơ")
    VERIFICATION = "verification", _("Thẩm tra")
    APPRAISAL = "appraisal", _("Thẩm định")
    DECISION = "decision", _("Quyết định công nhận")
    ANNOUNCEMENT = "announcement", _("Công bố")
    MONITORING = "monitoring", _("Theo dõi sau công nhận")
    REVOCATION = "revocation", _("Xem xét thu hồi")
    REVOKED = "revoked", _("Đã thu hồi")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")


#: The stages in order; returning a case goes to an earlier one.
STAGE_ORDER = [
    Stage.SELF_ASSESSMENT,
    Stage.DOSSIER,
    Stage.VERIFICATION,
    Stage.APPRAISAL,
    Stage.DECISION,
    Stage.ANNOUNCEMENT,
    Stage.MONITORING,
    Stage.REVOCATION,
    Stage.REVOKED,
]
CLOSED_STAGES = frozenset({Stage.REVOKED, Stage.WITHDRAWN})


class EventAction(models.TextChoices):
    """What a step of a case did."""

    REGISTER = "register", _("Đăng ký")
    SELF_ASSESS = "self_assess", _("Hoàn thành tự đánh giá")
    DECLARE = "declare", _("Kê khai điều kiện")
    SUBMIT = "submit", _("Gửi hồ sơ")
    SKIP_VERIFICATION = "skip_verification", _("Không qua thẩm tra cấp huyện")
    VERIFY = "verify", _("Thẩm tra")
    APPRAISE = "appraise", _("Thẩm định")
    DECIDE = "decide", _("Quyết định công nhận")
    ANNOUNCE = "announce", _("Công bố")
    START_REVOCATION = "start_revocation", _("Bắt đầu xem xét thu hồi")
    REVOKE = "revoke", _("Quyết định thu hồi")
    RETURN = "return", _("Trả lại bước trước")
    WITHDRAW = "withdraw", _("Rút hồ sơ")


class RecognitionCase(models.Model):
    """One commune's way to a tier in a year: registration to decision, announcement,
    monitoring and, if it comes to that, revocation.

    One open case per unit × tier × year (a withdrawn case does not count). The fields of
    each step hold its result; ``CaseEvent`` rows keep who did what, when and why.
    """

    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="recognition_cases",
    )
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    set_id = models.CharField(
        _("bộ tiêu chí"),
        max_length=100,
        help_text=_("Bộ tiêu chí áp dụng; phiên bản là phiên bản có hiệu lực tại ngày xét."),
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("đăng ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    stage = models.CharField(_("bước"), max_length=20, choices=Stage.choices)
    stage_since = models.DateTimeField(_("ở bước này từ"), default=timezone.now)

    # Self-assessment: the evaluation the commune stood by.
    assessed_on = models.DateField(_("tự đánh giá tại ngày"), null=True, blank=True)
    assessed_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), null=True, blank=True)
    assessed_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"), null=True, blank=True)
    assessed_set = models.CharField(_("phiên bản bộ tiêu chí"), max_length=120, blank=True)

    # Conditions C2-C4 of Decision 18/2022, each declared with its document.
    satisfaction_percent = models.DecimalField(
        _("tỷ lệ người dân hài lòng (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_on = models.DateField(_("ngày khảo sát"), null=True, blank=True)
    has_construction_debt = models.BooleanField(
        _("còn nợ đọng xây dựng cơ bản"), null=True, blank=True
    )
    debt_declared_on = models.DateField(_("ngày kê khai nợ đọng"), null=True, blank=True)
    is_security_complicated = models.BooleanField(
        _("an ninh, trật tự phức tạp"), null=True, blank=True
    )
    security_confirmed_by = models.CharField(
        _("cơ quan công an xác nhận"), max_length=200, blank=True
    )
    security_confirmed_on = models.DateField(_("ngày xác nhận an ninh"), null=True, blank=True)

    # Verification (district) or its skip where there is no district.
    is_verification_skipped = models.BooleanField(_("không qua thẩm tra cấp huyện"), default=False)
    verified_on = models.DateField(_("ngày thẩm tra"), null=True, blank=True)
    verification_number = models.CharField(_("số báo cáo thẩm tra"), max_length=100, blank=True)

    # Appraisal (province): council, vote, report.
    appraised_on = models.DateField(_("ngày thẩm định"), null=True, blank=True)
    appraisal_number = models.CharField(_("số báo cáo thẩm định"), max_length=100, blank=True)
    council_name = models.CharField(_("hội đồng thẩm định"), max_length=200, blank=True)
    council_members = models.PositiveSmallIntegerField(_("số thành viên"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)

    # Decision: the Recognition record it created.
    recognition = models.OneToOneField(
        Recognition,
        verbose_name=_("quyết định công nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    # Announcement: feeds the public recognition list.
    announced_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    announced_where = models.CharField(_("nơi công bố"), max_length=300, blank=True)

    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ xét công nhận")
        verbose_name_plural = _("hồ sơ xét công nhận")
        ordering = ["-year", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "tier", "year"],
                condition=~models.Q(stage="withdrawn"),
                name="recognition_case_one_per_unit_tier_year",
                violation_error_message=_("Đơn vị đã có hồ sơ xét công nhận mức này trong năm."),
            ),
            models.CheckConstraint(
                condition=models.Q(votes_for__isnull=True)
                | models.Q(council_members__isnull=True)
                | models.Q(votes_for__lte=models.F("council_members")),
                name="recognition_case_votes_within_council",
                violation_error_message=_("Số phiếu đồng ý không vượt quá số thành viên."),
            ),
        ]
        indexes = [models.Index(fields=["stage", "stage_since"], name="case_stage_since")]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} {self.year}"

    @property
    def is_demo(self) -> bool:
        return self.source.strip().lower().startswith("demo")


class CaseEvent(models.Model):
    """One step of a case: who, when, from which stage to which, the comment, the details."""

    case = models.ForeignKey(RecognitionCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20, choices=EventAction.choices)
    from_stage = models.CharField(_("từ bước"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("sang bước"), max_length=20, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    comment = models.TextField(_("ý kiến"), blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bước của hồ sơ")
        verbose_name_plural = _("các bước của hồ sơ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.action} {self.at:%Y-%m-%d}"


class CaseDocument(models.Model):
    """A document of a case (request, reports, survey, police confirmation, decision...).

    Checked by content and size like evidence files, stored under MEDIA_ROOT with a random
    name and served only to users whose scope holds the case's unit.
    """

    case = models.ForeignKey(RecognitionCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=40)
    stage = models.CharField(_("tải lên ở bước"), max_length=20, choices=Stage.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to="recognition/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    is_removed = models.BooleanField(_("đã gỡ"), default=False)

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.kind} {self.original_name}"


class ProcedureSetting(models.Model):
    """A value a province fixes for the procedure where Decision 18/2022 (as transcribed)
    leaves it open: a step's deadline, the required satisfaction level, the monitoring band.

    Rows are never changed: a new value is a new row, in force from its decision's date,
    so a case is checked against the value in force on the day it is decided.
    """

    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="procedure_settings",
    )
    key = models.CharField(_("thông số"), max_length=60)
    value = models.FloatField(_("giá trị"))
    decision_number = models.CharField(_("số văn bản quy định"), max_length=100, blank=True)
    decision_date = models.DateField(
        _("áp dụng từ ngày"), help_text=_("Ngày của văn bản quy định; giá trị áp dụng từ ngày này.")
    )
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)

    class Meta:
        verbose_name = _("thông số quy trình công nhận")
        verbose_name_plural = _("thông số quy trình công nhận")
        ordering = ["province_id", "key", "decision_date", "id"]
        indexes = [
            models.Index(fields=["province", "key", "decision_date"], name="setting_in_force")
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.key}={self.value:g} ({self.decision_date})"


class Reacknowledgement(models.Model):
    """A province's decision acknowledging (thừa nhận), for a commune formed on 1 July 2025,
    recognitions its predecessors held, at one tier.

    It creates the ``Recognition`` the new commune then holds (``recognition``) and keeps
    which predecessors' recognitions it rests on (``acknowledged``).
    """

    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("xã"),
        on_delete=models.PROTECT,
        related_name="reacknowledgements",
    )
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    acknowledged = models.ManyToManyField(
        Recognition,
        verbose_name=_("công nhận của đơn vị trước sắp xếp được thừa nhận"),
        related_name="acknowledged_by",
    )
    recognition = models.OneToOneField(
        Recognition,
        verbose_name=_("công nhận của xã mới"),
        on_delete=models.PROTECT,
        related_name="reacknowledgement",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)

    class Meta:
        verbose_name = _("quyết định thừa nhận")
        verbose_name_plural = _("quyết định thừa nhận")
        ordering = ["decision_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "tier"], name="reacknowledgement_one_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} {self.decision_number}"
