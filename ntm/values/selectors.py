"""Read queries for assessments."""

from __future__ import annotations

from typing import Any

from ntm.audit.keys import object_type_keys
from ntm.audit.models import AuditEntry
from ntm.units.models import AdminUnit
from ntm.values.models import IndicatorValue


def value_history(unit: AdminUnit, indicator_key: str) -> list[dict[str, Any]]:
    """Every value ever recorded for a unit and indicator, newest first, corrections included.

    Each entry names who entered it, the value it replaced (``supersedes``, for a
    correction) and, from the audit trail, the channel and reason given (two queries).
    """
    rows = list(
        IndicatorValue.objects.filter(unit=unit, indicator_key=indicator_key)
        .select_related("entered_by")
        .order_by("-observed_on", "-entered_at", "-id")
    )
    audit = {
        entry.object_id: entry
        for entry in AuditEntry.objects.filter(
            object_type__in=object_type_keys(IndicatorValue._meta.label_lower),
            object_id__in=[str(r.pk) for r in rows],
        ).only("object_id", "channel", "reason", "actor_name")
    }
    return [
        {
            "id": v.pk,
            "observed_on": v.observed_on,
            "value": v.value,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "is_met": v.is_met,
            "is_current": v.is_current,
            "source": v.source,
            "note": v.note,
            "entered_by": v.entered_by_id,
            "entered_by_name": v.entered_by.get_username() if v.entered_by else "",
            "entered_at": v.entered_at,
            "supersedes": v.supersedes_id,
            "channel": audit[str(v.pk)].channel if str(v.pk) in audit else "",
            "reason": audit[str(v.pk)].reason if str(v.pk) in audit else "",
        }
        for v in rows
    ]
