"""What the criteria pages offer a user for authoring (buttons are shown only to those who
may use them; the services check again on every write)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ntm.criteria import authoring
from ntm.criteria.models import CriteriaSet, SetStatusChoices


def set_page_context(request: HttpRequest, stored: CriteriaSet) -> dict[str, Any]:
    """What the set page offers this user: new variant, new version, open draft, versions."""
    user = request.user
    is_national = not stored.province_code and not stored.extends_id
    draft = authoring.draft_of(stored.set_id)
    may = authoring.may_author(user, stored)
    provinces = authoring.authoring_provinces(user) if is_national else []
    existing = (
        authoring.variants_by_base(p.code for p in provinces).get(stored.set_id, [])
        if provinces
        else []
    )
    return {
        # Every province of the user already has its variant: it is versioned instead.
        "can_vary": is_national
        and stored.status == SetStatusChoices.PUBLISHED
        and bool(provinces)
        and len(existing) < len(provinces),
        "existing_variants": existing,
        "can_version": may and draft is None,
        "open_draft": draft if draft is not None and may else None,
        "is_author": authoring.is_author(user),
        "versions": authoring.versions_of(stored.set_id, user),
    }


def list_page_context(request: HttpRequest) -> dict[str, Any]:
    """The entry to authoring on the list of sets, with the user's number of drafts."""
    if not authoring.is_author(request.user):
        return {"is_author": False, "drafts": 0}
    return {"is_author": True, "drafts": len(authoring.drafts_for(request.user))}
