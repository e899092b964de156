"""Recognition API: monitoring after recognition."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Status
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id
from ntm.accounts.scope import scope_of
from ntm.recognition.api.common import (
    _recognition,
    _unit_ref,
    router,
)
from ntm.recognition.api.schemas import (
    Message,
    MonitoringOut,
)
from ntm.recognition.monitoring import MONITORING_FLAGS, monitor
from ntm.units.selectors import default_as_of

# --------------------------------------------------------------------------- monitoring


@router.get(
    "/monitoring",
    response={200: MonitoringOut, 404: Message, 422: Message},
    summary="Recognized communes meeting the revocation rule of 18/2022 or close to it",
    operation_id="ntm_recognition_api_monitoring",
)
def monitoring(
    request: HttpRequest,
    unit_id: Id | None = None,
    as_of: Day | None = None,
    show: Literal["flagged", "due", "close", "no_data", "ok", "all"] = "flagged",
) -> Any:
    """For a unit and below (default: your unit), computed from the data on the date
    (default: today, or the unit's last day). "close" is the province's warning band."""
    scope = scope_of(request.user)
    unit_id = unit_id or scope.root_id
    root = api_visible_unit(request, unit_id) if unit_id else None
    if root is None:
        raise HttpError(422, "Give unit_id: a province, district or commune in your scope.")
    day = as_of or (default_as_of(root) if root is not None else timezone.localdate())
    report = monitor(root, scope=scope, as_of=day)
    return Status(
        200,
        {
            "as_of": day,
            "recognized": report.recognized,
            **{flag: report.count(flag) for flag in MONITORING_FLAGS},
            "rows": [
                {
                    "unit": _unit_ref(r.unit),
                    "recognition": _recognition(r.recognition),
                    "set": r.criteria_set.label if r.criteria_set else None,
                    "met": r.met,
                    "total": r.total,
                    "failed": r.failed,
                    "key_failed": r.key_failed,
                    "missing": r.missing,
                    "not_evaluable": r.not_evaluable,
                    "failed_share": round(r.failed_share, 4),
                    "flag": r.flag,
                    "case_id": r.case.pk if r.case else None,
                }
                for r in report.flagged(show)
            ],
        },
    )
