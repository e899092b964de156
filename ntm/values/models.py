"""Indicator values, their evidence files and criterion certifications: what a unit reports.

The tables keep their names from ``assessments``, where these models lived before.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.accounts.records import Recorded
from ntm.units.models import AdminUnit, Department


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
        db_table = "assessments_indicatorvalue"
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
        db_table = "assessments_evidencefile"
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        indexes = [models.Index(fields=["unit", "key", "observed_on"], name="evidence_cell")]

    def __str__(self) -> str:
        return f"{self.unit} {self.key} {self.observed_on}: {self.original_name}"


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
        db_table = "assessments_criterioncertification"
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
