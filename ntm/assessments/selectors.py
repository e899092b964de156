"""Read queries for assessments."""

from __future__ import annotations

from typing import Any

from ntm.assessments.models import IndicatorValue
from ntm.units.models import AdminUnit


def value_history(unit: AdminUnit, indicator_key: str) -> list[dict[str, Any]]:
    """Every value ever recorded for a unit and indicator, newest first, corrections included."""
    return [
        {
            "observed_on": v.observed_on,
            "value": v.value,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "is_met": v.is_met,
            "is_current": v.is_current,
            "source": v.source,
            "entered_by": v.entered_by_id,
            "entered_at": v.entered_at,
        }
        for v in IndicatorValue.objects.filter(unit=unit, indicator_key=indicator_key).order_by(
            "-observed_on", "-entered_at", "-id"
        )
    ]
