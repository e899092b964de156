"""The criteria API's router and the helpers the authoring operations share: a version's
output, refusals as 403, 409 or 422, the version a user may author, the acting user.

The topic modules register their operations on ``router`` in the order
``ntm.criteria.api`` imports them, and name each operation
``ntm_criteria_api_<function>`` so the ids stay those of the former single module.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from ntm.accounts.permissions import WriteDenied
from ntm.audit.services import Actor
from ntm.criteria.authoring import (
    AuthoringError,
    DraftExists,
    NotADraft,
    PublishRefused,
    may_author,
    needs_confirmation_count,
    publish_problems,
)
from ntm.criteria.models import CriteriaSet

router = Router()


def _version_out(stored: Any) -> dict[str, Any]:

    definition = stored.to_domain()
    return {
        "id": stored.set_id,
        "version": stored.version,
        "label": stored.label,
        "status": stored.status,
        "name_vi": stored.name_vi,
        "level": stored.level,
        "tier": stored.tier,
        "province_code": stored.province_code or None,
        "extends": stored.extends.label if stored.extends_id else None,
        "derived_from": stored.derived_from.label if stored.derived_from_id else None,
        "legal_number": stored.legal_number,
        "created_by": stored.created_by.get_username() if stored.created_by_id else None,
        "published_by": stored.published_by.get_username() if stored.published_by_id else None,
        "published_at": stored.published_at,
        "updated_at": stored.updated_at,
        "criteria": len(definition.criteria),
        "needs_confirmation": needs_confirmation_count(definition),
        "problems": [{"place": p.place, "message": p.message} for p in publish_problems(stored)]
        if stored.is_draft
        else [],
    }


def _refusal(error: Exception) -> Status:

    if isinstance(error, WriteDenied):
        return Status(403, {"detail": str(error)})
    if isinstance(error, NotADraft | DraftExists):
        return Status(409, {"detail": error.message})
    if isinstance(error, PublishRefused):
        problems = [{"place": p.place, "message": p.message} for p in error.problems]
        return Status(422, {"detail": error.message, "problems": problems})
    return Status(
        422,
        {"detail": error.message, "field": error.field, "place": error.place},  # type: ignore[attr-defined]
    )


def _write(call: Any, *, status: int = 200) -> Status:
    """Run an authoring service; refusals become 403, 409 or 422 with the reason."""

    try:
        stored = call()
    except (WriteDenied, AuthoringError) as error:
        return _refusal(error)
    return Status(status, _version_out(stored))


def _authored(request: HttpRequest, set_id: str, version: int) -> Any:
    """A set version the user may author (404 otherwise: a draft's existence is not shown)."""

    stored = (
        CriteriaSet.objects.select_related("extends", "derived_from")
        .filter(set_id=set_id, version=version)
        .first()
    )
    if stored is None or not may_author(request.user, stored):
        raise HttpError(404, f"No draft {set_id}@{version} that you may edit.")
    return stored


def _actor(request: HttpRequest) -> Any:

    return Actor.from_request(request, channel="api")
