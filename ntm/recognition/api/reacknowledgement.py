"""Recognition API: re-acknowledgement of communes merged in 2025."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.recognition import services
from ntm.recognition.api.common import (
    _actor,
    _recognition,
    _unit_ref,
    router,
)
from ntm.recognition.api.schemas import (
    AwaitingOut,
    Message,
    ReacknowledgeIn,
    ReacknowledgementOut,
    Refusal,
)
from ntm.recognition.selectors import (
    awaiting_reacknowledgement,
)

# --------------------------------------------------------------------------- re-acknowledgement


@router.get(
    "/reacknowledgements/pending",
    response={200: list[AwaitingOut], 404: Message},
    summary="Communes formed on 1 July 2025 awaiting re-acknowledgement (thừa nhận)",
    operation_id="ntm_recognition_api_pending_reacknowledgements",
)
def pending_reacknowledgements(request: HttpRequest, province_id: Id) -> Any:
    province = api_visible_unit(request, province_id)
    if province.level != "province":
        raise HttpError(404, f"Unit {province_id} is not a province.")
    items = awaiting_reacknowledgement(province, scope_of(request.user))
    return Status(
        200,
        [
            {
                "unit": _unit_ref(item.unit),
                "predecessors": [_unit_ref(p) for p in item.predecessors],
                "recognitions": [
                    _recognition(r) for group in item.recognitions.values() for r in group
                ],
                "recognized_predecessors": item.recognized_count,
                "acknowledged": [_recognition(a.recognition) for a in item.acknowledged],
            }
            for item in items
        ],
    )


@router.post(
    "/reacknowledgements",
    response={201: ReacknowledgementOut, 403: Message, 404: Message, 422: Refusal},
    summary="Record a re-acknowledgement decision for a commune formed in 2025",
    operation_id="ntm_recognition_api_reacknowledge",
)
def reacknowledge(request: HttpRequest, payload: ReacknowledgeIn) -> Any:
    unit = api_visible_unit(request, payload.unit_id)
    try:
        row = services.reacknowledge(
            unit=unit,
            tier=payload.tier,
            recognition_ids=payload.recognition_ids,
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            issuer=payload.issuer,
            signer=payload.signer,
            note=payload.note,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(
        201,
        {
            "id": row.pk,
            "unit": _unit_ref(unit),
            "tier": row.tier,
            "decision_number": row.decision_number,
            "decision_date": row.decision_date,
            "issuer": row.issuer,
            "signer": row.signer,
            "acknowledged": sorted(row.acknowledged.values_list("pk", flat=True)),
            "recognition_id": row.recognition_id,
        },
    )
