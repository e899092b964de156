"""Figures as the programme's reports state them, kept beside the figures ntm computes.

The table keeps its name from ``assessments``, where this model lived before.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.accounts.records import Recorded
from ntm.units.models import AdminUnit


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
        db_table = "assessments_reportedfigure"
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["reported_on", "id"]
        indexes = [models.Index(fields=["unit", "metric"])]

    def __str__(self) -> str:
        shown = self.value_text or (f"{self.value:g}" if self.value is not None else "")
        return f"{self.unit}: {self.label} = {shown}"
