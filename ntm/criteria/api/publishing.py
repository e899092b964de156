"""Authoring: what publishing a draft would change, and publishing it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from ntm.accounts.api_types import Day, Id
from ntm.criteria import authoring
from ntm.criteria.api.common import _actor, _authored, _write, router
from ntm.criteria.api.schemas import _WRITE, PreviewOut, Refusal
from ntm.dashboards.draft_preview import preview_draft


@router.get(
    "/{set_id}/versions/{version}/preview",
    response={200: PreviewOut, 404: Refusal},
    tags=["authoring"],
    summary="What publishing the draft would change for the province's units",
    operation_id="ntm_criteria_api_preview",
)
def preview(
    request: HttpRequest, set_id: str, version: Id, as_of: Day | None = None
) -> dict[str, Any]:

    stored = _authored(request, set_id, version)
    p = preview_draft(stored, as_of=as_of)
    return {
        "draft": stored.label,
        "compared_with": p.before.label if p.before else None,
        "as_of": p.as_of,
        "province": p.province.name if p.province else None,
        "units": p.unit_count,
        "before_total": p.before_total,
        "after_total": p.after_total,
        "before_reached": p.before_reached,
        "after_reached": p.after_reached,
        "gained": p.gained_count,
        "lost": p.lost_count,
        "more_criteria": p.more,
        "fewer_criteria": p.fewer,
        "gained_units": [u.__dict__ for u in p.gained],
        "lost_units": [u.__dict__ for u in p.lost],
        "criteria": [{**c.__dict__, "status": c.status} for c in p.criteria],
    }


@router.post(
    "/{set_id}/versions/{version}/publish",
    response=_WRITE,
    tags=["authoring"],
    summary="Publish a draft: it becomes a version that never changes",
    description="422 lists every problem (place and reason) when the draft is not ready.",
    operation_id="ntm_criteria_api_publish",
)
def publish(request: HttpRequest, set_id: str, version: Id) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.publish_draft(stored, actor=_actor(request)))
