"""Publishing a draft and reading a set's versions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import (
    CriteriaSetDef,
    IndicatorKind,
)
from ntm.criteria.authoring.drafts import _edit, _unit_fields, validate_document
from ntm.criteria.authoring.rights import AuthoringError, PublishRefused, document_of, may_author
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.services import store_definition

# --- Publication ---------------------------------------------------------------------------


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("version", "status")}


def publish_problems(stored: CriteriaSet) -> list[AuthoringError]:
    """Everything that keeps a draft from being published, each with its place."""
    problems: list[AuthoringError] = []
    document = document_of(stored)
    document["status"] = SetStatusChoices.PUBLISHED.value
    try:
        validate_document(document, file=stored.label)
    except AuthoringError as error:
        problems.append(error)
    legal = document.get("legal_source") or {}
    where = str(_("văn bản ban hành"))
    if not (legal.get("number") or "").strip():
        problems.append(
            AuthoringError(_("Chưa nhập số văn bản ban hành bộ tiêu chí."), place=where)
        )
    if not legal.get("date"):
        problems.append(AuthoringError(_("Chưa nhập ngày ban hành."), place=where))
    if not (legal.get("issuer") or "").strip():
        problems.append(AuthoringError(_("Chưa nhập cơ quan ban hành."), place=where))
    newer = (
        CriteriaSet.objects.filter(set_id=stored.set_id, version__gt=stored.version)
        .aggregate(Max("version"))
        .get("version__max")
    )
    if newer:
        problems.append(
            AuthoringError(
                _("Đã có phiên bản %(version)d mới hơn bản nháp này.") % {"version": newer}
            )
        )
    previous = stored.derived_from
    if (
        previous is not None
        and previous.set_id == stored.set_id
        and _comparable(previous.source_document) == _comparable(stored.source_document)
    ):
        problems.append(
            AuthoringError(
                _("Bản nháp chưa có thay đổi nào so với phiên bản %(version)d.")
                % {"version": previous.version}
            )
        )
    return problems


@transaction.atomic
def publish_draft(stored: CriteriaSet, *, actor: Actor) -> CriteriaSet:
    """Make the draft a published version: from now on it never changes."""
    draft, document, province = _edit(stored, actor)
    problems = publish_problems(draft)
    if problems:
        raise PublishRefused(problems)
    document["status"] = SetStatusChoices.PUBLISHED.value
    definition = validate_document(document, file=draft.label)
    published = store_definition(definition, document, source_file=draft.source_file)
    published.published_by = actor.user
    published.save(update_fields=["published_by", "updated_at"])
    legal = document.get("legal_source") or {}
    record_change(
        actor,
        Change(
            action="criteria_set.publish",
            obj=published,
            summary=f"{published.label}: {_('ban hành')} ({legal.get('number', '')})",
            new={"version": published.version, "legal_source": legal},
            **_unit_fields(province),
        ),
    )
    return published


def versions_of(set_id: str, user: AbstractBaseUser | AnonymousUser | None) -> list[CriteriaSet]:
    """Every version of a set, newest first; drafts only for those who may author them."""
    versions = list(
        CriteriaSet.objects.filter(set_id=set_id)
        .select_related("published_by", "created_by")
        .order_by("-version")
    )
    return [v for v in versions if v.status == SetStatusChoices.PUBLISHED or may_author(user, v)]


def needs_confirmation_count(definition: CriteriaSetDef) -> int:
    """Measured indicators with no threshold seen in a source: not evaluable yet."""
    return sum(
        1
        for i in definition.indicators
        if i.kind is not IndicatorKind.JUDGEMENT and not i.thresholds
    )
