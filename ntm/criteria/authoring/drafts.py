"""Validating and writing drafts, creating and deleting them, and a set's details."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import (
    CriteriaSetDef,
)
from ntm.core.criteria.schema import CriteriaDataError, parse_document
from ntm.criteria.authoring.rights import (
    RESERVED_IDS,
    AuthoringError,
    DraftExists,
    NotADraft,
    _check_author,
    document_of,
)
from ntm.criteria.messages import explain
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.services import store_definition
from ntm.units.models import AdminUnit

# --- Validation through the loader --------------------------------------------------------


def _published_definition(set_id: str, version: int) -> CriteriaSetDef | None:
    base = CriteriaSet.objects.filter(
        set_id=set_id, version=version, status=SetStatusChoices.PUBLISHED
    ).first()
    return base.to_domain() if base else None


def validate_document(document: dict[str, Any], *, file: str) -> CriteriaSetDef:
    """The loader's verdict on a document; a refusal says where and why, in words."""
    try:
        definition = parse_document(document, file=file, resolve_base=_published_definition)
    except CriteriaDataError as error:
        place, reason = explain(error, document)
        raise AuthoringError(reason, place=place, field=error.path) from None
    if definition.requires and not CriteriaSet.objects.filter(set_id=definition.requires).exists():
        raise AuthoringError(
            _("không có bộ tiêu chí %(set)s") % {"set": definition.requires},
            place=str(_("bộ phải đạt trước")),
            field="requires",
        )
    return definition


def _base_definition(stored: CriteriaSet) -> CriteriaSetDef | None:
    return stored.extends.to_domain() if stored.extends_id else None


# --- Writing -------------------------------------------------------------------------------


def _lock_draft(stored: CriteriaSet) -> CriteriaSet:
    """The draft row, locked for the edit; a published version is refused."""
    current = (
        CriteriaSet.objects.select_for_update(of=("self",))
        .select_related("extends")
        .get(pk=stored.pk)
    )
    if current.status != SetStatusChoices.DRAFT:
        raise NotADraft(
            _(
                "%(label)s đã ban hành: phiên bản đã ban hành không bao giờ được sửa. "
                "Hãy tạo một phiên bản nháp mới."
            )
            % {"label": current.label}
        )
    return current


def _unit_fields(province: AdminUnit | None) -> dict[str, Any]:
    if province is None:
        return {"unit_id": None, "unit_label": str(_("toàn quốc"))}
    return {"unit_id": province.pk, "unit_label": province.name}


def _save(
    stored: CriteriaSet,
    document: dict[str, Any],
    *,
    actor: Actor,
    province: AdminUnit | None,
    action: str,
    summary: str,
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> CriteriaSet:
    """Validate the document, store it in the draft and audit the change (if any)."""
    definition = validate_document(document, file=stored.label)
    before = stored.content_hash
    saved = store_definition(definition, document, source_file=stored.source_file)
    if saved.content_hash != before:
        record_change(
            actor,
            Change(
                action=action,
                obj=saved,
                summary=f"{saved.label}: {summary}",
                old=old,
                new=new,
                **_unit_fields(province),
            ),
            reason=reason,
        )
    return saved


def _edit(
    stored: CriteriaSet, actor: Actor
) -> tuple[CriteriaSet, dict[str, Any], AdminUnit | None]:
    """Lock the draft, check the actor may edit it, and hand back a working document."""
    draft = _lock_draft(stored)
    province = _check_author(actor, province_code=draft.province_code, year=draft.period_start)
    return draft, document_of(draft), province


# --- Creating drafts -----------------------------------------------------------------------


def province_slug(province: AdminUnit) -> str:
    """'Tỉnh Hà Tĩnh' -> 'hatinh' (the prefix of the province's set ids)."""
    name = province.short_name or province.name
    for prefix in ("Tỉnh ", "Thành phố "):
        name = name.removeprefix(prefix)
    text = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def suggested_variant_id(base: CriteriaSet, province: AdminUnit) -> str:
    return f"{province_slug(province)}-{base.set_id}"[:100]


def suggested_variant_name(base: CriteriaSet, province: AdminUnit) -> str:
    """'Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030' ->
    'Bộ tiêu chí xã nông thôn mới tỉnh Hà Tĩnh giai đoạn 2026-2030'."""
    name = base.name_vi.replace("quốc gia về ", "").replace("quốc gia ", "")
    where = province.name[:1].lower() + province.name[1:]
    if " giai đoạn " in name:
        head, _sep, tail = name.partition(" giai đoạn ")
        return f"{head} {where} giai đoạn {tail}"
    return f"{name} {where}"


def _check_new_id(set_id: str) -> None:
    if not set_id or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", set_id) or len(set_id) > 100:
        raise AuthoringError(
            _(
                "Mã bộ chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ hatinh-xa-2026."
            ),
            field="set_id",
        )
    if set_id in RESERVED_IDS:
        raise AuthoringError(
            _("“%(id)s” là tên một trang, không dùng làm mã bộ.") % {"id": set_id}, field="set_id"
        )
    if CriteriaSet.objects.filter(set_id=set_id).exists():
        raise AuthoringError(
            _("Đã có bộ tiêu chí mã %(id)s: chọn mã khác, hoặc tạo phiên bản mới của bộ đó.")
            % {"id": set_id},
            field="set_id",
        )


@transaction.atomic
def create_variant(
    *,
    base: CriteriaSet,
    province_code: str,
    actor: Actor,
    set_id: str = "",
    name_vi: str = "",
) -> CriteriaSet:
    """A province's draft variant of a national set, extending its current version."""
    if base.status != SetStatusChoices.PUBLISHED or base.province_code or base.extends_id:
        raise AuthoringError(_("Chỉ tạo được bộ của tỉnh từ một bộ tiêu chí quốc gia đã ban hành."))
    latest = (
        CriteriaSet.objects.filter(set_id=base.set_id, status=SetStatusChoices.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.version != base.version:
        base = latest  # "at its current version"
    province = _check_author(actor, province_code=province_code, year=base.period_start)
    if province is None:
        raise AuthoringError(_("Cần chọn tỉnh ban hành."), field="province_code")
    existing = CriteriaSet.objects.filter(
        province_code=province_code, extends__set_id=base.set_id
    ).first()
    if existing is not None:
        raise AuthoringError(
            _("%(province)s đã có bộ %(set)s mở rộng từ bộ này: hãy tạo phiên bản mới của bộ đó.")
            % {"province": province.name, "set": existing.set_id},
            field="set_id",
        )
    set_id = (set_id or suggested_variant_id(base, province)).strip()
    _check_new_id(set_id)
    name_vi = (name_vi or suggested_variant_name(base, province)).strip()
    if len(name_vi) > 300:
        raise AuthoringError(_("Tên dài quá 300 ký tự."), field="name_vi")
    document: dict[str, Any] = {
        "id": set_id,
        "version": 1,
        "status": SetStatusChoices.DRAFT.value,
        "name_vi": name_vi,
        "name_en": "",
        "level": base.level,
        "tier": base.tier,
        "period": {"start": base.period_start, "end": base.period_end},
        "differentiation": base.definition.get("differentiation", "none"),
        "requires": None,
        "extends": {"id": base.set_id, "version": base.version},
        "province_code": province_code,
        "confidence": "verified",
        "legal_source": {
            "number": "",
            "date": None,
            "effective": None,
            "issuer": f"UBND {province.name[:1].lower()}{province.name[1:]}",
            "confidence": "verified",
            "sources": [],
        },
        "revocation_key_criteria": [],
        "note": None,
        "criteria": [],
        "overrides": [],
    }
    definition = validate_document(document, file=f"{set_id}@1")
    stored = store_definition(definition, document)
    stored.derived_from = base
    stored.created_by = actor.user
    stored.save(update_fields=["derived_from", "created_by", "updated_at"])
    record_change(
        actor,
        Change(
            action="criteria_set.create_variant",
            obj=stored,
            summary=f"{stored.label}: {_('bộ của tỉnh mở rộng từ')} {base.label}",
            new={"extends": base.label, "province_code": province_code},
            **_unit_fields(province),
        ),
    )
    return stored


@transaction.atomic
def create_version(*, source: CriteriaSet, actor: Actor) -> CriteriaSet:
    """A new draft version of a set, copied from its latest version."""
    province = _check_author(actor, province_code=source.province_code, year=source.period_start)
    versions = CriteriaSet.objects.select_for_update().filter(set_id=source.set_id)
    existing = versions.filter(status=SetStatusChoices.DRAFT).first()
    if existing is not None:
        raise DraftExists(existing)
    latest = versions.order_by("-version").first()
    assert latest is not None
    document = document_of(latest)
    document["version"] = latest.version + 1
    document["status"] = SetStatusChoices.DRAFT.value
    definition = validate_document(document, file=f"{latest.set_id}@{latest.version + 1}")
    stored = store_definition(definition, document)
    stored.derived_from = latest
    stored.created_by = actor.user
    stored.save(update_fields=["derived_from", "created_by", "updated_at"])
    record_change(
        actor,
        Change(
            action="criteria_set.create_version",
            obj=stored,
            summary=f"{stored.label}: {_('phiên bản nháp mới từ')} {latest.label}",
            new={"from": latest.label},
            **_unit_fields(province),
        ),
    )
    return stored


@transaction.atomic
def delete_draft(stored: CriteriaSet, *, actor: Actor) -> None:
    """Discard a draft (a published version is never deleted)."""
    draft, document, province = _edit(stored, actor)
    record_change(
        actor,
        Change(
            action="criteria_set.delete_draft",
            obj=draft,
            summary=f"{draft.label}: {_('xóa bản nháp')}",
            old=document,
            **_unit_fields(province),
        ),
    )
    draft.delete()


# --- Set details ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetDetails:
    """What the office writes on the set's front page: name, period, issuing decision."""

    name_vi: str
    name_en: str = ""
    period_start: int | None = None
    period_end: int | None = None
    legal_number: str = ""
    legal_date: dt.date | None = None
    legal_effective: dt.date | None = None
    legal_issuer: str = ""


def details_of(stored: CriteriaSet) -> SetDetails:
    document = stored.source_document
    legal = document.get("legal_source") or {}
    period = document.get("period") or {}

    def day(text: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(text)) if text else None
        except ValueError:
            return None

    return SetDetails(
        name_vi=document.get("name_vi") or "",
        name_en=document.get("name_en") or "",
        period_start=period.get("start"),
        period_end=period.get("end"),
        legal_number=legal.get("number") or "",
        legal_date=day(legal.get("date")),
        legal_effective=day(legal.get("effective")),
        legal_issuer=legal.get("issuer") or "",
    )


def _text(value: str, *, field: str, label: str, required: bool, limit: int = 300) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise AuthoringError(_("Cần nhập %(label)s.") % {"label": label}, field=field)
    if len(value) > limit:
        raise AuthoringError(
            _("%(label)s dài quá %(limit)d ký tự.") % {"label": capital(label), "limit": limit},
            field=field,
        )
    return value


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@transaction.atomic
def update_details(stored: CriteriaSet, *, details: SetDetails, actor: Actor) -> CriteriaSet:
    """Rename the set, set its period and the decision that issues it."""
    draft, document, province = _edit(stored, actor)
    name_vi = _text(details.name_vi, field="name_vi", label=_("tên bộ tiêu chí"), required=True)
    name_en = _text(details.name_en, field="name_en", label=_("tên tiếng Anh"), required=False)
    for field, year in (("period_start", details.period_start), ("period_end", details.period_end)):
        if year is not None and not 1990 <= year <= 2100:
            raise AuthoringError(_("Năm phải trong khoảng 1990–2100."), field=field)
    if (
        details.period_start is not None
        and details.period_end is not None
        and details.period_end < details.period_start
    ):
        raise AuthoringError(
            _("Năm kết thúc (%(end)d) trước năm bắt đầu (%(start)d).")
            % {"end": details.period_end, "start": details.period_start},
            field="period_end",
        )
    number = _text(
        details.legal_number, field="legal_number", label=_("số văn bản"), required=False, limit=100
    )
    issuer = _text(
        details.legal_issuer, field="legal_issuer", label=_("cơ quan ban hành"), required=False
    )
    if details.legal_date and details.legal_date > timezone.localdate():
        raise AuthoringError(
            _("Ngày ban hành %(date)s ở sau hôm nay.")
            % {"date": details.legal_date.strftime("%d/%m/%Y")},
            field="legal_date",
        )
    if (
        details.legal_effective
        and details.legal_date
        and details.legal_effective < details.legal_date
    ):
        raise AuthoringError(_("Ngày hiệu lực trước ngày ban hành."), field="legal_effective")
    old = {
        "name_vi": document.get("name_vi"),
        "name_en": document.get("name_en"),
        "period": document.get("period"),
        "legal_source": document.get("legal_source"),
    }
    legal = dict(document.get("legal_source") or {})
    if (legal.get("number") or "") != number:
        # Sources and notes were about the previous decision.
        legal["sources"] = []
        legal.pop("note", None)
        legal.pop("annex", None)
    legal.update(
        number=number,
        date=details.legal_date.isoformat() if details.legal_date else None,
        effective=details.legal_effective.isoformat() if details.legal_effective else None,
        issuer=issuer,
        confidence="verified",
    )
    document.update(
        name_vi=name_vi,
        name_en=name_en,
        period={"start": details.period_start, "end": details.period_end},
        legal_source=legal,
    )
    new = {
        "name_vi": name_vi,
        "name_en": name_en,
        "period": document["period"],
        "legal_source": legal,
    }
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.edit_details",
        summary=str(_("thông tin chung, văn bản ban hành")),
        old=old,
        new=new,
    )


def _own_criterion(document: dict[str, Any], number: str) -> dict[str, Any]:
    for criterion in document.get("criteria") or []:
        if str(criterion.get("number")) == number:
            return criterion
    raise AuthoringError(
        _(
            "Tiêu chí %(number)s không do bộ này thêm (thuộc bộ gốc): chỉ được nâng ngưỡng "
            "các chỉ tiêu của nó."
        )
        % {"number": number}
    )


def _own_indicator(document: dict[str, Any], code: str) -> dict[str, Any]:
    for criterion in document.get("criteria") or []:
        for indicator in criterion.get("indicators") or []:
            if str(indicator.get("code")) == code:
                return indicator
    for indicator in document.get("conditions") or []:
        if str(indicator.get("code")) == code:
            return indicator
    raise AuthoringError(
        _("Chỉ tiêu %(code)s không do bộ này thêm (thuộc bộ gốc): chỉ được nâng ngưỡng của nó.")
        % {"code": code}
    )
