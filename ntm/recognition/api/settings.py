"""Recognition API: the province's procedure settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Status
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied
from ntm.recognition import services
from ntm.recognition.api.common import (
    _actor,
    router,
)
from ntm.recognition.api.schemas import (
    Message,
    Refusal,
    SettingIn,
    SettingOut,
)
from ntm.recognition.procedure import setting_defs
from ntm.recognition.selectors import (
    settings_in_force,
)
from ntm.units.models import AdminUnit

# --------------------------------------------------------------------------- settings


def _settings(province: AdminUnit) -> list[dict[str, Any]]:
    values = settings_in_force([province.pk], timezone.localdate())[province.pk]
    rows = []
    for key, definition in setting_defs().items():
        value = values[key]
        rows.append(
            {
                "key": key,
                "label": str(definition.label),
                "unit": str(definition.unit),
                "value": value.value,
                "is_legal": definition.is_legal,
                "is_default": value.is_default,
                "decision_number": value.row.decision_number if value.row else "",
                "decision_date": value.row.decision_date if value.row else None,
            }
        )
    return rows


@router.get(
    "/settings",
    response={200: list[SettingOut], 404: Message},
    summary="A province's procedure settings in force today",
    operation_id="ntm_recognition_api_get_settings",
)
def get_settings(request: HttpRequest, province_id: Id) -> Any:
    province = api_visible_unit(request, province_id)
    if province.level != "province":
        raise HttpError(404, f"Unit {province_id} is not a province.")
    return Status(200, _settings(province))


@router.post(
    "/settings",
    response={200: list[SettingOut], 403: Message, 404: Message, 422: Refusal},
    summary="Set a deadline, the satisfaction level or the monitoring band, with its document",
    operation_id="ntm_recognition_api_set_setting",
)
def set_setting(request: HttpRequest, payload: SettingIn) -> Any:
    province = api_visible_unit(request, payload.province_id)
    try:
        services.set_procedure_setting(
            province=province,
            key=payload.key,
            value=payload.value,
            decision_date=payload.decision_date,
            decision_number=payload.decision_number,
            issuer=payload.issuer,
            note=payload.note,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(200, _settings(province))
