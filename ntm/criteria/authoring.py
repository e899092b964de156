"""Criteria-set authoring by coordination offices: drafts, edits, publication.

A draft is a ``CriteriaSet`` row with status ``draft`` whose ``source_document`` is a
set document in the data-file format (docs/criteria-format.md). Every edit changes a copy
of that document, runs it through the same loader as the data files (``parse_document``,
then ``store_definition``), and is audited; a document the loader refuses is never
stored. Publishing turns the draft into a published version, which is never edited
again: a change means a new draft version.

Who may author: a user with an office role (``OFFICE_ROLES``) whose scope holds the
province the set belongs to; a national set (no province) needs a national user.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write, role_of
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import (
    COMMUNE_GROUPS,
    REGIONS,
    Comparator,
    CriteriaSetDef,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
)
from ntm.core.criteria.schema import CriteriaDataError, first_loosened, parse_document
from ntm.criteria.messages import explain
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.services import store_definition
from ntm.number_messages import number_in_text
from ntm.units.models import AdminUnit, CommuneGroupChoices, RegionChoices

#: Ids that name pages under /criteria/, never a set.
RESERVED_IDS = frozenset({"drafts", "import", "compare", "new"})
#: Kinds an office can add (aggregates are defined with the national sets).
ADDABLE_KINDS = (IndicatorKind.JUDGEMENT, IndicatorKind.NUMBER, IndicatorKind.RATIO)
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")
SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


# --- Errors -------------------------------------------------------------------------------


class AuthoringError(Exception):
    """An edit or a publication refused: the reason in the user's language, and where.

    ``field`` names the form field at fault (for pages and the API); ``place`` says where
    in the set ("tiêu chí 20 › chỉ tiêu 20.1 › ngưỡng thứ 1").
    """

    def __init__(self, message: str, *, field: str = "", place: str = ""):
        self.message, self.field, self.place = message, field, place
        super().__init__(f"{place}: {message}" if place else message)


class NotADraft(AuthoringError):
    """The version is published: it is never edited in place."""


class DraftExists(AuthoringError):
    """The set already has a draft: it is to be continued, not duplicated."""

    def __init__(self, draft: CriteriaSet):
        self.draft = draft
        super().__init__(
            _("Bộ %(set)s đang có bản nháp phiên bản %(version)d: hãy tiếp tục bản nháp đó.")
            % {"set": draft.set_id, "version": draft.version}
        )


class PublishRefused(AuthoringError):
    """A draft that cannot be published yet: every problem, each with its place."""

    def __init__(self, problems: list[AuthoringError]):
        self.problems = problems
        super().__init__(
            _("Chưa ban hành được: %(count)d vấn đề cần sửa.") % {"count": len(problems)}
        )


# --- Who may author ------------------------------------------------------------------------


def province_unit(code: str, year: int | None = None) -> AdminUnit | None:
    """The province with this code in force on 1 January of the year (codes are reused
    across eras); the latest one when none was in force then."""
    provinces = list(AdminUnit.objects.filter(level="province", code=code))
    if not provinces:
        return None
    if year is not None:
        day = dt.date(year, 1, 1)
        for unit in provinces:
            if _in_force(unit, day):
                return unit
    return max(provinces, key=lambda u: u.valid_from or dt.date.min)


def require_author(
    user: AbstractBaseUser | AnonymousUser | None, *, province_code: str, year: int | None
) -> AdminUnit | None:
    """Raise WriteDenied unless the user has an office role and the set's province (the
    whole country for a national set) is in their scope. Returns the province.

    The province is the unit with the set's code in force when the set's period starts;
    for a set without a period, any unit that carried the code.
    """
    if not province_code:
        require_write(user, None, roles=OFFICE_ROLES)
        return None
    candidates = list(AdminUnit.objects.filter(level="province", code=province_code))
    if not candidates:
        raise WriteDenied(_("Không có tỉnh mã %(code)s.") % {"code": province_code})
    chosen = province_unit(province_code, year) if year is not None else None
    if chosen is not None and year is not None and _in_force(chosen, dt.date(year, 1, 1)):
        candidates = [chosen]
    scope = scope_of(user)
    province = next((u for u in candidates if scope.allows(u)), candidates[0])
    require_write(user, province, roles=OFFICE_ROLES)
    return province


def _in_force(unit: AdminUnit, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or day < unit.valid_to
    )


def _check_author(actor: Actor, *, province_code: str, year: int | None) -> AdminUnit | None:
    """The actor's right to author; an operator at the server's command line may always."""
    if actor.user is None and actor.channel in ("cli", "system"):
        return province_unit(province_code, year) if province_code else None
    return require_author(actor.user, province_code=province_code, year=year)


def may_author(user: AbstractBaseUser | AnonymousUser | None, stored: CriteriaSet) -> bool:
    """Whether the user may edit drafts of this set (and see them)."""
    try:
        require_author(user, province_code=stored.province_code, year=stored.period_start)
    except WriteDenied:
        return False
    return True


def is_author(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether the user's role is an office role at all (pages show authoring entries)."""
    return role_of(user) in OFFICE_ROLES


def authoring_provinces(user: AbstractBaseUser | AnonymousUser | None) -> list[AdminUnit]:
    """The provinces the user may author sets for, one per code, newest era first."""
    if not is_author(user):
        return []
    scope = scope_of(user)
    # Newest era first on every database (PostgreSQL sorts NULL first when descending).
    provinces = AdminUnit.objects.filter(level="province").order_by(
        "code", F("valid_from").desc(nulls_last=True)
    )
    if not scope.is_national:
        provinces = scope.filter(provinces)
    chosen: dict[str, AdminUnit] = {}
    for unit in provinces:
        chosen.setdefault(unit.code, unit)
    return sorted(chosen.values(), key=lambda u: u.name)


# --- Reading drafts ------------------------------------------------------------------------


def drafts_for(user: AbstractBaseUser | AnonymousUser | None) -> list[CriteriaSet]:
    """The drafts the user may edit, most recently edited first."""
    if not is_author(user):
        return []
    drafts = CriteriaSet.objects.filter(status=SetStatusChoices.DRAFT).select_related(
        "derived_from", "created_by", "extends"
    )
    return [d for d in drafts.order_by("-updated_at") if may_author(user, d)]


def variants_by_base(province_codes: Iterable[str]) -> dict[str, list[str]]:
    """For each national set id, the ids of the variants these provinces already have."""
    found: dict[str, list[str]] = {}
    rows = (
        CriteriaSet.objects.filter(province_code__in=list(province_codes), extends__isnull=False)
        .values_list("extends__set_id", "set_id")
        .distinct()
        .order_by("set_id")
    )
    for base_id, set_id in rows:
        if set_id not in found.setdefault(base_id, []):
            found[base_id].append(set_id)
    return found


def draft_of(set_id: str) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(set_id=set_id, status=SetStatusChoices.DRAFT).first()


def compared_version(stored: CriteriaSet) -> CriteriaSet | None:
    """What a draft is compared with: the version it came from, else its base set."""
    return stored.derived_from or stored.extends


def document_of(stored: CriteriaSet) -> dict[str, Any]:
    """A working copy of the set's document."""
    return copy.deepcopy(stored.source_document)


def own_numbers(document: dict[str, Any]) -> set[str]:
    """Numbers of the criteria the document itself defines (a variant's additions)."""
    return {str(c.get("number")) for c in document.get("criteria") or [] if isinstance(c, dict)}


def own_codes(document: dict[str, Any]) -> set[str]:
    return {
        str(i.get("code"))
        for c in document.get("criteria") or []
        if isinstance(c, dict)
        for i in c.get("indicators") or []
        if isinstance(i, dict)
    } | {str(i.get("code")) for i in document.get("conditions") or [] if isinstance(i, dict)}


def overridden_codes(document: dict[str, Any]) -> set[str]:
    return {str(o.get("indicator")) for o in document.get("overrides") or [] if isinstance(o, dict)}


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


# --- Thresholds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The decision that sets a threshold (number, date, issuer): kept as the row's source."""

    number: str
    date: dt.date | None
    issuer: str

    def reference(self) -> str:
        day = self.date.strftime("%d/%m/%Y") if self.date else ""
        return (
            f"{self.number} ngày {day}, {self.issuer}" if day else f"{self.number}, {self.issuer}"
        )

    def check(self) -> None:
        """Refuse an incomplete decision: a threshold is never set without its source."""
        if not self.number.strip():
            raise AuthoringError(
                _("Cần số văn bản đặt ngưỡng (ví dụ 123/QĐ-UBND)."), field="decision_number"
            )
        if self.date is None:
            raise AuthoringError(_("Cần ngày ban hành văn bản."), field="decision_date")
        if self.date > timezone.localdate():
            raise AuthoringError(
                _("Ngày ban hành %(date)s ở sau hôm nay.")
                % {"date": self.date.strftime("%d/%m/%Y")},
                field="decision_date",
            )
        if not self.issuer.strip():
            raise AuthoringError(_("Cần cơ quan ban hành văn bản."), field="decision_issuer")


@dataclass(frozen=True)
class ThresholdCell:
    """One threshold as entered: a value for a region or commune group, from a year on."""

    value: float
    region: str | None = None
    group: int | None = None
    from_year: int | None = None

    @property
    def key(self) -> tuple[str | None, int | None, int | None]:
        return (self.region, self.group, self.from_year)


def scope_words(region: str | None, group: int | None, from_year: int | None) -> str:
    """'Bắc Trung Bộ, từ năm 2020' for messages about one cell of a threshold table."""
    if region:
        words = str(RegionChoices(region).label) if region in RegionChoices.values else region
    elif group:
        words = str(CommuneGroupChoices(group).label)
    else:
        words = str(_("Mọi đơn vị"))
    if from_year is not None:
        words += ", " + _("từ năm %(year)d") % {"year": from_year}
    return words


def _find_indicator(definition: CriteriaSetDef, code: str) -> IndicatorDef:
    for indicator in definition.indicators:
        if indicator.code == code:
            return indicator
    raise AuthoringError(_("Không có chỉ tiêu %(code)s trong bộ.") % {"code": code}, field="code")


def _check_cells(
    cells: Sequence[ThresholdCell], indicator: IndicatorDef, differentiation: str
) -> None:
    seen: set[tuple[Any, ...]] = set()
    for cell in cells:
        where = scope_words(cell.region, cell.group, cell.from_year)
        if isinstance(cell.value, bool) or not math.isfinite(cell.value):
            raise AuthoringError(_("%(where)s: ngưỡng phải là một số.") % {"where": where})
        if cell.value < 0:
            raise AuthoringError(
                _("%(where)s: ngưỡng %(value)s không được âm.")
                % {"where": where, "value": number_in_text(cell.value)}
            )
        if indicator.unit == "%" and cell.value > 100:
            raise AuthoringError(
                _("%(where)s: ngưỡng phần trăm %(value)s nằm ngoài khoảng 0–100.")
                % {"where": where, "value": number_in_text(cell.value)}
            )
        if cell.region is not None and (
            differentiation != Differentiation.REGION or cell.region not in REGIONS
        ):
            raise AuthoringError(
                _("%(where)s: bộ tiêu chí này không phân hóa ngưỡng theo vùng.") % {"where": where}
            )
        if cell.group is not None and (
            differentiation != Differentiation.COMMUNE_GROUP or cell.group not in COMMUNE_GROUPS
        ):
            raise AuthoringError(
                _("%(where)s: bộ tiêu chí này không phân hóa ngưỡng theo nhóm xã.")
                % {"where": where}
            )
        if cell.from_year is not None and not 1990 <= cell.from_year <= 2100:
            raise AuthoringError(
                _("Năm áp dụng %(year)d phải trong khoảng 1990–2100.") % {"year": cell.from_year},
                field="years",
            )
        if cell.key in seen:
            raise AuthoringError(_("%(where)s: nhập hai lần.") % {"where": where})
        seen.add(cell.key)


def _rows_for(
    cells: Sequence[ThresholdCell],
    current: Sequence[dict[str, Any]],
    decision: Decision | None,
    *,
    confirm_all: bool,
) -> tuple[list[dict[str, Any]], int]:
    """Document rows for the entered cells: an unchanged cell keeps its row (and source)
    unless every cell is being confirmed; a new or changed value takes the decision.
    Returns the rows and how many take the decision."""
    by_key = {
        (r.get("region"), r.get("group"), r.get("from_year")): r
        for r in current
        if isinstance(r, dict)
    }
    rows: list[dict[str, Any]] = []
    decided = 0
    for cell in cells:
        kept = by_key.get(cell.key)
        if kept is not None and kept.get("value") == cell.value and not confirm_all:
            rows.append(kept)
            continue
        decided += 1
        row: dict[str, Any] = {"value": _plain_number(cell.value)}
        if cell.region is not None:
            row["region"] = cell.region
        if cell.group is not None:
            row["group"] = cell.group
        if cell.from_year is not None:
            row["from_year"] = cell.from_year
        row["confidence"] = "verified"
        row["sources"] = [decision.reference()] if decision else []
        rows.append(row)
    return rows, decided


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _loosening_message(
    indicator: IndicatorDef, base: IndicatorDef, rows: Sequence[dict[str, Any]]
) -> str | None:
    """Why the entered rows would loosen the national threshold, or None."""
    replaced = {(r.get("region"), r.get("group"), r.get("from_year")) for r in rows}
    kept = tuple(r for r in base.thresholds if (r.region, r.group, r.from_year) not in replaced)
    entered = tuple(
        ThresholdRow(
            value=float(r["value"]),
            region=r.get("region"),
            group=r.get("group"),
            from_year=r.get("from_year"),
        )
        for r in rows
    )
    found = first_loosened(base, kept + entered)
    if found is None:
        return None
    new, old, _scope = found
    direction = (
        _("không được thấp hơn")
        if base.comparator in (Comparator.GE, Comparator.GT)
        else _("không được cao hơn")
        if base.comparator in (Comparator.LE, Comparator.LT)
        else _("phải bằng")
    )
    return _(
        "%(where)s: %(value)s nới lỏng ngưỡng của bộ gốc %(comparator)s %(base)s%(unit)s "
        "(%(base_where)s). Bộ của tỉnh chỉ được nâng ngưỡng: giá trị %(direction)s %(base)s."
    ) % {
        "where": scope_words(new.region, new.group, new.from_year),
        "value": number_in_text(new.value),
        "comparator": SYMBOLS.get(str(base.comparator), str(base.comparator)),
        "base": number_in_text(old.value),
        "unit": f" {indicator.unit}" if indicator.unit else "",
        "base_where": scope_words(old.region, old.group, old.from_year),
        "direction": direction,
    }


@transaction.atomic
def set_thresholds(
    stored: CriteriaSet,
    *,
    code: str,
    cells: Sequence[ThresholdCell],
    decision: Decision | None,
    actor: Actor,
    confirm_all: bool = False,
) -> CriteriaSet:
    """Fill, change or confirm an indicator's thresholds (the whole table at once).

    For an indicator the draft defines, the cells become its threshold rows; for one
    inherited from the national set they become the province's stricter rows, checked
    against the national ones (tighten only). Empty cells remove rows: for an inherited
    indicator that brings the national thresholds back.
    """
    draft, document, province = _edit(stored, actor)
    definition = draft.to_domain()
    indicator = _find_indicator(definition, code)
    if indicator.kind is IndicatorKind.JUDGEMENT:
        raise AuthoringError(
            _("Chỉ tiêu %(code)s được đánh giá đạt/chưa đạt, không có ngưỡng số.") % {"code": code}
        )
    _check_cells(cells, indicator, definition.differentiation)
    if confirm_all and not cells:
        raise AuthoringError(_("Không có ngưỡng nào để xác nhận."))
    is_own = code in own_codes(document)
    if is_own:
        raw = _own_indicator(document, code)
        current = list(raw.get("thresholds") or [])
    else:
        override = next(
            (o for o in document.get("overrides") or [] if str(o.get("indicator")) == code), None
        )
        current = list((override or {}).get("thresholds") or [])
    rows, decided = _rows_for(cells, current, decision, confirm_all=confirm_all)
    if decided:
        if decision is None:
            raise AuthoringError(
                _("Cần số, ngày và cơ quan ban hành văn bản đặt ngưỡng."), field="decision_number"
            )
        decision.check()
    if not is_own:
        base = _base_definition(draft)
        base_indicator = _find_indicator(base, code) if base else indicator
        message = _loosening_message(indicator, base_indicator, rows)
        if message:
            raise AuthoringError(message, field="cells")
        overrides = [o for o in document.get("overrides") or [] if str(o.get("indicator")) != code]
        if rows:
            overrides.append({"indicator": code, "thresholds": rows})
        document["overrides"] = overrides
    else:
        raw["thresholds"] = rows
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.set_thresholds",
        summary=_("ngưỡng chỉ tiêu %(code)s") % {"code": code},
        old=current,
        new=rows,
        reason=decision.reference() if decided and decision else "",
    )


# --- Criteria and indicators ---------------------------------------------------------------


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


def _check_code(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if not _CODE.fullmatch(value):
        raise AuthoringError(
            _("%(label)s chỉ gồm chữ, số, dấu chấm, dấu gạch ngang (tối đa 20 ký tự), ví dụ 21.1.")
            % {"label": label},
            field=field,
        )
    return value


@transaction.atomic
def add_criterion(
    stored: CriteriaSet,
    *,
    number: str,
    name_vi: str,
    name_en: str = "",
    group: str = "",
    actor: Actor,
) -> CriteriaSet:
    """A criterion the province adds (without indicators: judged by certification until
    indicators are added)."""
    draft, document, province = _edit(stored, actor)
    number = _check_code(number, field="number", label=_("Số tiêu chí"))
    definition = draft.to_domain()
    if any(c.number == number for c in definition.criteria):
        raise AuthoringError(
            _("Bộ đã có tiêu chí %(number)s.") % {"number": number}, field="number"
        )
    groups = {code for code, _name, _en in definition.groups}
    group = (group or "").strip()
    if group and group not in groups:
        raise AuthoringError(
            _("Không có nhóm tiêu chí %(group)s.") % {"group": group}, field="group"
        )
    criterion: dict[str, Any] = {
        "number": number,
        "name_vi": _text(name_vi, field="name_vi", label=_("tên tiêu chí"), required=True),
        "name_en": _text(name_en, field="name_en", label=_("tên tiếng Anh"), required=False),
        "confidence": "verified",
        "sources": [],
        "indicators": [],
    }
    if group:
        criterion["group"] = group
    document["criteria"] = [*(document.get("criteria") or []), criterion]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.add_criterion",
        summary=_("thêm tiêu chí %(number)s") % {"number": number},
        new=criterion,
    )


@transaction.atomic
def update_criterion(
    stored: CriteriaSet, *, number: str, name_vi: str, name_en: str = "", actor: Actor
) -> CriteriaSet:
    """Rename a criterion the draft defines."""
    draft, document, province = _edit(stored, actor)
    criterion = _own_criterion(document, number)
    old = {"name_vi": criterion.get("name_vi"), "name_en": criterion.get("name_en")}
    criterion["name_vi"] = _text(name_vi, field="name_vi", label=_("tên tiêu chí"), required=True)
    criterion["name_en"] = _text(name_en, field="name_en", label=_("tên tiếng Anh"), required=False)
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.edit_criterion",
        summary=_("sửa tên tiêu chí %(number)s") % {"number": number},
        old=old,
        new={"name_vi": criterion["name_vi"], "name_en": criterion["name_en"]},
    )


@transaction.atomic
def remove_criterion(stored: CriteriaSet, *, number: str, actor: Actor) -> CriteriaSet:
    """Remove a criterion the draft defines, with its indicators."""
    draft, document, province = _edit(stored, actor)
    criterion = _own_criterion(document, number)
    document["criteria"] = [c for c in document["criteria"] if c is not criterion]
    keys = document.get("revocation_key_criteria") or []
    document["revocation_key_criteria"] = [k for k in keys if str(k) != number]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.remove_criterion",
        summary=_("bỏ tiêu chí %(number)s") % {"number": number},
        old=criterion,
    )


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator as the office defines it (thresholds are set separately)."""

    code: str
    name_vi: str
    kind: str
    name_en: str = ""
    unit: str = ""
    comparator: str = ""
    numerator: str = ""
    denominator: str = ""
    scale: float | None = None


def _indicator_document(entry: IndicatorInput, *, code: str) -> dict[str, Any]:
    try:
        kind = IndicatorKind(entry.kind)
    except ValueError:
        kind = None
    if kind not in ADDABLE_KINDS:
        raise AuthoringError(
            _("Loại chỉ tiêu phải là đánh giá đạt/chưa đạt, số hoặc tỷ lệ."), field="kind"
        )
    indicator: dict[str, Any] = {
        "code": code,
        "name_vi": _text(entry.name_vi, field="name_vi", label=_("tên chỉ tiêu"), required=True),
        "name_en": _text(entry.name_en, field="name_en", label=_("tên tiếng Anh"), required=False),
        "kind": kind.value,
        "unit": _text(entry.unit, field="unit", label=_("đơn vị tính"), required=False, limit=60),
        "confidence": "verified",
        "sources": [],
    }
    if kind is IndicatorKind.JUDGEMENT:
        return indicator
    if entry.comparator not in {c.value for c in Comparator}:
        raise AuthoringError(
            _("Cần chọn phép so sánh (≥, ≤, >, <, =) cho chỉ tiêu số hoặc tỷ lệ."),
            field="comparator",
        )
    indicator["comparator"] = entry.comparator
    indicator["thresholds"] = []
    if kind is IndicatorKind.RATIO:
        scale = 100.0 if entry.scale is None else entry.scale
        if not math.isfinite(scale) or scale <= 0:
            raise AuthoringError(_("Hệ số của tỷ lệ phải là số dương."), field="scale")
        indicator["ratio"] = {
            "numerator": _text(entry.numerator, field="numerator", label=_("tử số"), required=True),
            "denominator": _text(
                entry.denominator, field="denominator", label=_("mẫu số"), required=True
            ),
            "scale": _plain_number(scale),
        }
    return indicator


@transaction.atomic
def add_indicator(
    stored: CriteriaSet, *, criterion: str, entry: IndicatorInput, actor: Actor
) -> CriteriaSet:
    """An indicator in a criterion the draft defines; it needs confirmation until its
    threshold is set."""
    draft, document, province = _edit(stored, actor)
    target = _own_criterion(document, criterion)
    code = _check_code(entry.code, field="code", label=_("Mã chỉ tiêu"))
    if any(i.code == code for i in draft.to_domain().indicators):
        raise AuthoringError(_("Bộ đã có chỉ tiêu %(code)s.") % {"code": code}, field="code")
    indicator = _indicator_document(entry, code=code)
    target["indicators"] = [*(target.get("indicators") or []), indicator]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.add_indicator",
        summary=_("thêm chỉ tiêu %(code)s vào tiêu chí %(number)s")
        % {"code": code, "number": criterion},
        new=indicator,
    )


@transaction.atomic
def update_indicator(
    stored: CriteriaSet, *, code: str, entry: IndicatorInput, actor: Actor
) -> CriteriaSet:
    """Change the wording, unit, comparator or ratio parts of an indicator the draft
    defines; its kind and thresholds stay (thresholds are edited on their own)."""
    draft, document, province = _edit(stored, actor)
    raw = _own_indicator(document, code)
    old = copy.deepcopy(raw)
    updated = _indicator_document(replace(entry, kind=raw.get("kind", entry.kind)), code=code)
    for key in ("name_vi", "name_en", "unit", "comparator", "ratio"):
        if key in updated:
            raw[key] = updated[key]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.edit_indicator",
        summary=_("sửa chỉ tiêu %(code)s") % {"code": code},
        old=old,
        new=raw,
    )


@transaction.atomic
def remove_indicator(stored: CriteriaSet, *, code: str, actor: Actor) -> CriteriaSet:
    """Remove an indicator the draft defines."""
    draft, document, province = _edit(stored, actor)
    raw = _own_indicator(document, code)
    for criterion in document.get("criteria") or []:
        criterion["indicators"] = [i for i in criterion.get("indicators") or [] if i is not raw]
    if document.get("conditions"):
        document["conditions"] = [i for i in document["conditions"] if i is not raw]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.remove_indicator",
        summary=_("bỏ chỉ tiêu %(code)s") % {"code": code},
        old=raw,
    )


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
