"""Indicator values, criterion certifications, recognitions, targets, registrations, sponsors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.criteria.models import CriteriaSet, TierChoices
from ntm.units.models import AdminUnit, Department, LevelChoices


class Recorded(models.Model):
    """Who recorded a row and when; corrections keep the row they replace."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        abstract = True


class IndicatorValue(Recorded):
    """A value of one indicator for one unit, observed on a date, with its provenance.

    Keyed by the indicator key (``<origin set id>:<code>``) so a provincial variant shares
    values with its base set. A correction adds a row that supersedes the previous one,
    which stays in history with ``is_current`` false.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="indicator_values")
    indicator_key = models.CharField(_("chỉ tiêu"), max_length=150)
    observed_on = models.DateField(_("số liệu tại ngày"))
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    numerator = models.FloatField(_("tử số"), null=True, blank=True)
    denominator = models.FloatField(_("mẫu số"), null=True, blank=True)
    is_met = models.BooleanField(_("đạt (đánh giá)"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator_key", "observed_on"],
                condition=models.Q(is_current=True),
                name="value_one_current_per_date",
                violation_error_message=_("Đã có giá trị cho chỉ tiêu này tại ngày này."),
            )
        ]
        indexes = [
            models.Index(fields=["indicator_key", "observed_on"], name="value_key_date"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator_key} {self.observed_on}"


class EvidenceFile(Recorded):
    """A document backing a unit's value for an indicator (or a whole criterion) on a date.

    Attached to the cell (unit, key, date) rather than to one value row, so a correction of
    the value keeps its evidence. Stored under MEDIA_ROOT, outside the static root, and
    served only to users whose scope holds the unit.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="evidence_files")
    key = models.CharField(
        _("chỉ tiêu hoặc tiêu chí"),
        max_length=150,
        help_text=_("Mã chỉ tiêu (SET:CODE) hoặc tiêu chí (SET:NUMBER)."),
    )
    observed_on = models.DateField(_("số liệu tại ngày"))
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    is_removed = models.BooleanField(_("đã gỡ"), default=False)

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        indexes = [models.Index(fields=["unit", "key", "observed_on"], name="evidence_cell")]

    def __str__(self) -> str:
        return f"{self.unit} {self.key} {self.observed_on}: {self.original_name}"


class SubmissionStatusChoices(models.TextChoices):
    """Where a unit's entry for a set and period stands on its way to approval and lock.

    draft -> submitted (by the unit) -> verified (every criterion by its department) ->
    approved (by the coordination office of the level above) -> locked. Values can change
    only in draft; see ``ntm.assessments.approval`` for who moves a period and how back.
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
    # The approval steps (ntm.assessments.approval): when the status last changed, by what
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


class CriterionCertification(Recorded):
    """A department's decision that a whole criterion is met or not met, with its document."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="certifications")
    criterion_key = models.CharField(_("tiêu chí"), max_length=150)
    is_met = models.BooleanField(_("đạt"))
    certified_on = models.DateField(_("ngày xác nhận"))
    document_number = models.CharField(_("số văn bản"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sở, ngành")
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        verbose_name = _("xác nhận tiêu chí")
        verbose_name_plural = _("xác nhận tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "criterion_key", "certified_on"],
                condition=models.Q(is_current=True),
                name="certification_one_current_per_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion_key} {self.certified_on}"


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
        verbose_name = _("quyết định thu hồi")
        verbose_name_plural = _("quyết định thu hồi")

    def __str__(self) -> str:
        return f"{self.recognition} / {self.decision_number}"


class Target(Recorded):
    """A unit's target: reach a tier in a year, or have N child units at a tier by a year."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="targets")
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    child_level = models.CharField(
        _("cấp đơn vị con"), max_length=16, choices=LevelChoices.choices, blank=True
    )
    child_count = models.PositiveIntegerField(
        _("số đơn vị con"),
        null=True,
        blank=True,
        help_text=_("Mục tiêu tổng hợp, ví dụ 8 xã nâng cao đến năm 2023."),
    )
    child_count_max = models.PositiveIntegerField(
        _("số đơn vị con tối đa"),
        null=True,
        blank=True,
        help_text=_("Khi mục tiêu là một khoảng, ví dụ 1–2 xã kiểu mẫu."),
    )
    fields_of_excellence = models.CharField(
        _("lĩnh vực nổi trội"),
        max_length=300,
        blank=True,
        help_text=_("Với mục tiêu kiểu mẫu: lĩnh vực nổi trội, cách nhau bởi dấu phẩy."),
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(child_count__isnull=True) & models.Q(child_level=""))
                | (models.Q(child_count__isnull=False) & ~models.Q(child_level="")),
                name="target_aggregate_needs_level",
                violation_error_message=_("Mục tiêu tổng hợp cần cả cấp và số đơn vị con."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} {self.year}"


class RegistrationStatusChoices(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    APPRAISED = "appraised", _("Đã thẩm định, trình công nhận")
    RECOGNIZED = "recognized", _("Đã công nhận")
    WITHDRAWN = "withdrawn", _("Rút đăng ký")


class Registration(Recorded):
    """A unit registers to reach a tier in a year (đăng ký), and how far it has come."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="registrations")
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    registered_on = models.DateField(_("ngày đăng ký"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=16,
        choices=RegistrationStatusChoices.choices,
        default=RegistrationStatusChoices.IN_PROGRESS,
    )
    status_on = models.DateField(_("tình trạng tại ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("đăng ký")
        verbose_name_plural = _("đăng ký")
        constraints = [
            models.UniqueConstraint(fields=["unit", "tier", "year"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} {self.year}"


class Sponsorship(Recorded):
    """A department sponsors a unit (đơn vị đỡ đầu)."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="sponsorships")
    sponsor = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="sponsorships",
        verbose_name=_("đơn vị đỡ đầu"),
    )
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("đơn vị đỡ đầu")
        verbose_name_plural = _("đơn vị đỡ đầu")

    def __str__(self) -> str:
        return f"{self.sponsor} → {self.unit}"


class ReportedFigure(Recorded):
    """A figure as a report states it (23 communes, 6,801 people supported, 15.5 km of road).

    Kept as reported, with its source, even where ntm computes its own figure: pages show
    both side by side and the difference, rather than silently correcting the report.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="reported_figures")
    metric = models.CharField(
        _("chỉ số"),
        max_length=100,
        help_text=_("Mã ổn định, ví dụ communes_total, communes_standard, road_km_widened."),
    )
    label = models.CharField(_("nội dung"), max_length=300)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    value_text = models.CharField(_("giá trị (chữ)"), max_length=300, blank=True)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    reported_on = models.DateField(_("ngày báo cáo"))
    period = models.CharField(_("kỳ báo cáo"), max_length=100, blank=True)
    source = models.CharField(_("nguồn"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["reported_on", "id"]
        indexes = [models.Index(fields=["unit", "metric"])]

    def __str__(self) -> str:
        shown = self.value_text or (f"{self.value:g}" if self.value is not None else "")
        return f"{self.unit}: {self.label} = {shown}"


# The approval models live in their own module; importing them here registers them.
from ntm.assessments.approval_models import (  # noqa: E402, F401
    CriterionResponsibility,
    CriterionVerification,
    SubmissionEvent,
)
