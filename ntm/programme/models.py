"""The programme's plan for a unit: targets, registrations to reach a tier, sponsors.

The tables keep their names from ``assessments``, where these models lived before.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.accounts.records import Recorded
from ntm.criteria.models import TierChoices
from ntm.units.models import AdminUnit, Department, LevelChoices


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
        db_table = "assessments_target"
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
        db_table = "assessments_registration"
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
        db_table = "assessments_sponsorship"
        verbose_name = _("đơn vị đỡ đầu")
        verbose_name_plural = _("đơn vị đỡ đầu")

    def __str__(self) -> str:
        return f"{self.sponsor} → {self.unit}"
