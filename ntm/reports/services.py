"""Write use cases of the reports: a figure as a report states it."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, audit_write
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit
from ntm.values.validation import AssessmentError


@transaction.atomic
def record_figure(
    *,
    unit: AdminUnit,
    metric: str,
    label: str,
    reported_on: date,
    source: str,
    value: float | None = None,
    value_text: str = "",
    unit_of_measure: str = "",
    period: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> ReportedFigure:
    """A figure as a report states it, with its source (kept as reported)."""
    if not metric.strip() or not label.strip() or not source.strip():
        raise AssessmentError(_("Số liệu báo cáo cần có mã chỉ số, nội dung và nguồn."))
    if value is None and not value_text.strip():
        raise AssessmentError(
            _("Số liệu “%(label)s” cần có giá trị hoặc giá trị bằng chữ.") % {"label": label}
        )
    figure = ReportedFigure.objects.create(
        unit=unit, metric=metric.strip(), label=label.strip(), value=value,
        value_text=value_text, unit_of_measure=unit_of_measure, reported_on=reported_on,
        period=period, source=source, note=note, entered_by=user,
    )  # fmt: skip
    audit_write(
        actor, user, "figure.record", figure, unit=unit,
        summary=f"{label}: {value_text or value} ({reported_on:%d/%m/%Y})",
        new={"metric": metric, "value": value, "value_text": value_text,
             "unit_of_measure": unit_of_measure, "reported_on": reported_on, "period": period},
    )  # fmt: skip
    return figure
