"""Certifying a whole criterion met or not met with a document: who may, and the checks.

Where indicator detail is missing or a threshold is unconfirmed ("not evaluable"), the
department responsible for a criterion decides it as a whole by a document (công văn,
biên bản thẩm tra). The engine takes a current certification as the criterion's status
until a value is observed after it (``inputs``). This module is the user-facing write;
the page, the API and anything else go through ``certify``, which checks on the server:

* **who**: a verifier whose department is responsible for the criterion for that unit
  (``responsibility.responsible_for``), the unit in the verifier's scope; or the
  approving office of the unit (``rights.may_approve``), which must give a note when
  it certifies on a department's behalf, as when it verifies for one. Nobody else: the
  refusal (``WriteDenied``) names who may certify the criterion;
* **what**: a criterion of the set, a document number, a date not in the future on which
  the unit exists, met or not met (``CertificationInvalid``);
* then ``services.certify_criterion`` refuses a period under review or locked
  (``PeriodFrozen``) and records the certification and its audit entry
  (``certification.record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.accounts.membership import no_department_reason
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import (
    OFFICE_ROLES,
    WriteDenied,
    can_write,
    require_write,
    role_of,
)
from ntm.approvals.approval_words import approver_text
from ntm.approvals.responsibility import Responsible, responsible_for
from ntm.approvals.rights import may_approve, user_department_id
from ntm.audit.services import Actor
from ntm.core.criteria.model import CriteriaSetDef, CriterionDef
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit, Department, LevelChoices
from ntm.units.selectors import is_in_force
from ntm.values import services
from ntm.values.models import CriterionCertification
from ntm.values.validation import AssessmentError

#: The roles that certify besides the approving office.
VERIFIER_ROLES = frozenset({RoleChoices.VERIFIER})
#: The longest document number kept (the model's field).
MAX_DOCUMENT = 200
#: The longest note kept.
MAX_NOTE = 2000

User = AbstractBaseUser | AnonymousUser | None


class CertificationInvalid(AssessmentError):
    """A certification that cannot be recorded as given; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Certifiable:
    """A criterion the user may certify for a unit, with its responsible department."""

    criterion: CriterionDef
    department: Department | None
    #: the office certifies for the department: a note saying on what basis is required
    on_behalf: bool = False

    @property
    def number(self) -> str:
        return self.criterion.number

    @property
    def key(self) -> str:
        return self.criterion.key


# --------------------------------------------------------------------------- reading


def _definition(criteria_set: CriteriaSet | CriteriaSetDef) -> CriteriaSetDef:
    return criteria_set.to_domain() if isinstance(criteria_set, CriteriaSet) else criteria_set


def _loaded(unit: AdminUnit) -> AdminUnit:
    """The unit with its parents loaded (responsibility walks up to the province)."""
    if unit.parent_id is None:
        return unit
    return AdminUnit.objects.select_related("parent__parent__parent").get(pk=unit.pk)


def responsibilities(
    unit: AdminUnit, criteria_set: CriteriaSet | CriteriaSetDef
) -> dict[str, Responsible]:
    """Each criterion of the set (by key) with the department responsible for the unit."""
    return responsible_for([_loaded(unit)], _definition(criteria_set))[unit.pk]


def find_criterion(definition: CriteriaSetDef, key_or_number: str) -> CriterionDef | None:
    """A criterion of the set by its key (``set:2``) or its number (``2``)."""
    wanted = (key_or_number or "").strip()
    if not wanted:
        return None
    for criterion in definition.criteria:
        if wanted in (criterion.key, criterion.number):
            return criterion
    return None


def certifiable_criteria(
    user: User,
    unit: AdminUnit,
    criteria_set_def: CriteriaSetDef | CriteriaSet,
    *,
    responsible: dict[str, Responsible] | None = None,
) -> list[Certifiable]:
    """The criteria of a set the user may certify for the unit, in the set's order.

    The approving office: every criterion (on a department's behalf where one is
    responsible); a verifier in scope: the criteria of its department; anyone else: none.
    """
    definition = _definition(criteria_set_def)
    if responsible is None:
        responsible = responsibilities(unit, definition)
    if may_approve(user, unit):
        return [
            Certifiable(c, responsible[c.key].department, responsible[c.key].department is not None)
            for c in definition.criteria
        ]
    department_id = user_department_id(user)
    if department_id is None or not can_write(user, unit, roles=VERIFIER_ROLES):
        return []
    return [
        Certifiable(c, responsible[c.key].department)
        for c in definition.criteria
        if responsible[c.key].department is not None
        and responsible[c.key].department.pk == department_id
    ]


def who_certifies(unit: AdminUnit, responsible: Responsible) -> str:
    """Who may certify a criterion of a unit, in words."""
    criterion = responsible.criterion
    words = {
        "number": criterion.number,
        "name": criterion.name_vi,
        "department": responsible.department.name if responsible.department else "",
        "office": approver_text(unit),
    }
    if responsible.department is None:
        return (
            _(
                "Tiêu chí %(number)s (%(name)s) không giao cho sở, ngành nào: %(office)s xác "
                "nhận tiêu chí này."
            )
            % words
        )
    return (
        _(
            "Tiêu chí %(number)s (%(name)s) do %(department)s xác nhận; %(office)s cũng xác "
            "nhận thay được, kèm ghi chú nêu căn cứ."
        )
        % words
    )


def current_certifications(
    unit: AdminUnit, keys: list[str], on: date
) -> dict[str, CriterionCertification]:
    """The certification in force on a date for each criterion key (the latest current one
    certified on or before it), in one query."""
    rows = (
        CriterionCertification.objects.filter(
            unit=unit, criterion_key__in=keys, certified_on__lte=on, is_current=True
        )
        .select_related("department", "entered_by")
        .order_by("certified_on", "id")
    )
    return {row.criterion_key: row for row in rows}


# --------------------------------------------------------------------------- checking


def _refusal(user: User, unit: AdminUnit, responsible: Responsible) -> str | None:
    """Why the user may not certify this criterion (None: the user may)."""
    if may_approve(user, unit):
        return None
    role = role_of(user)
    if role is None:
        reason = _("Cần đăng nhập bằng tài khoản của sở, ngành đó hoặc của văn phòng điều phối.")
    elif role in OFFICE_ROLES:
        own = getattr(getattr(user, "profile", None), "unit", None)
        reason = _(
            "Tài khoản này thuộc văn phòng điều phối của %(own)s, không phải cấp trên của %(unit)s."
        ) % {"own": own.name if own is not None else "—", "unit": unit.name}
    elif role != RoleChoices.VERIFIER:
        reason = _("Vai trò “%(role)s” không xác nhận tiêu chí.") % {
            "role": RoleChoices(role).label
        }
    else:
        try:
            require_write(user, unit, roles=VERIFIER_ROLES)
        except WriteDenied as denied:
            reason = str(denied)
        else:
            department_id = user_department_id(user)
            mine = responsible.department is not None and responsible.department.pk == department_id
            if mine:
                return None
            if department_id is None:
                reason = no_department_reason(user)
            else:
                own = Department.objects.filter(pk=department_id).values_list("name", flat=True)
                reason = _("Tài khoản này thuộc %(department)s.") % {
                    "department": own.first() or department_id
                }
    return f"{who_certifies(unit, responsible)} {reason}"


def _may_certify_something(user: User, unit: AdminUnit) -> bool:
    return may_approve(user, unit) or (
        user_department_id(user) is not None and can_write(user, unit, roles=VERIFIER_ROLES)
    )


def _unknown_criterion(user: User, unit: AdminUnit, definition: CriteriaSetDef, wanted: str):
    if not _may_certify_something(user, unit):
        return WriteDenied(
            _(
                "Chỉ sở, ngành được giao thẩm tra tiêu chí hoặc %(office)s mới xác nhận tiêu chí "
                "của %(unit)s."
            )
            % {"office": approver_text(unit), "unit": unit.name}
        )
    if not wanted:
        return CertificationInvalid(
            _("Cần chỉ rõ tiêu chí được xác nhận (số hoặc mã tiêu chí)."), field="criterion"
        )
    return CertificationInvalid(
        _("Bộ tiêu chí “%(set)s” không có tiêu chí “%(criterion)s”.")
        % {"set": definition.name_vi, "criterion": wanted},
        field="criterion",
    )


def _check_input(
    unit: AdminUnit,
    *,
    is_met: object,
    certified_on: object,
    document_number: str,
    note: str,
    on_behalf_of: Department | None,
) -> None:
    if not document_number:
        raise CertificationInvalid(
            _(
                "Cần số văn bản xác nhận (ví dụ 125/SGTVT-KHTC): xác nhận không kèm văn bản "
                "thì không có giá trị."
            ),
            field="document_number",
        )
    if len(document_number) > MAX_DOCUMENT:
        raise CertificationInvalid(
            _("Số văn bản dài quá %(count)d ký tự.") % {"count": MAX_DOCUMENT},
            field="document_number",
        )
    if not isinstance(is_met, bool):
        raise CertificationInvalid(
            _("Chọn kết luận của văn bản: Đạt hoặc Chưa đạt."), field="is_met"
        )
    if not isinstance(certified_on, date):
        raise CertificationInvalid(_("Cần ngày xác nhận (ngày của văn bản)."), field="certified_on")
    today = timezone.localdate()
    if certified_on > today:
        raise CertificationInvalid(
            _(
                "Ngày xác nhận %(date)s ở tương lai: chỉ ghi văn bản đã ban hành (đến hôm nay, %(today)s)."
            )
            % {"date": certified_on.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")},
            field="certified_on",
        )
    if not is_in_force(unit, certified_on):
        raise CertificationInvalid(
            _(
                "%(unit)s không tồn tại vào ngày %(date)s: chọn một ngày trong thời gian đơn vị "
                "còn hiệu lực."
            )
            % {"unit": unit.name, "date": certified_on.strftime("%d/%m/%Y")},
            field="certified_on",
        )
    if len(note) > MAX_NOTE:
        raise CertificationInvalid(
            _("Ghi chú dài quá %(count)d ký tự.") % {"count": MAX_NOTE}, field="note"
        )
    if on_behalf_of is not None and not note:
        raise CertificationInvalid(
            _(
                "Văn phòng điều phối xác nhận thay %(department)s: cần ghi chú nêu căn cứ (ví dụ "
                "văn bản hoặc ý kiến của sở, ngành)."
            )
            % {"department": on_behalf_of.name},
            field="note",
        )


# --------------------------------------------------------------------------- writing


def certify(
    *,
    user: User,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    criterion_key: str,
    is_met: bool,
    certified_on: date,
    document_number: str,
    note: str = "",
    actor: Actor | None = None,
) -> CriterionCertification:
    """Record that a criterion of the unit is met or not met by a document, after checking
    who certifies and what is given.

    ``criterion_key`` is the criterion's key or number in ``criteria_set``. Raises
    ``WriteDenied`` (the user may not), ``CertificationInvalid`` (bad input),
    ``PeriodFrozen`` (the date is in a period under review or locked); nothing is written
    then.
    """
    definition = _definition(criteria_set)
    wanted = (criterion_key or "").strip()
    criterion = find_criterion(definition, wanted)
    if criterion is None:
        raise _unknown_criterion(user, unit, definition, wanted)
    responsible = responsibilities(unit, definition)[criterion.key]
    refusal = _refusal(user, unit, responsible)
    if refusal is not None:
        raise WriteDenied(refusal)
    if definition.level != unit.level:
        raise CertificationInvalid(
            _("Bộ tiêu chí “%(set)s” dành cho cấp %(level)s, không dùng cho %(unit)s.")
            % {
                "set": definition.name_vi,
                "level": LevelChoices(definition.level).label,
                "unit": unit.name,
            },
            field="set",
        )
    department = responsible.department
    office_for_department = department is not None and may_approve(user, unit)
    document = (document_number or "").strip()
    note = (note or "").strip()
    _check_input(
        unit,
        is_met=is_met,
        certified_on=certified_on,
        document_number=document,
        note=note,
        on_behalf_of=department if office_for_department else None,
    )
    signed_in = user if user is not None and user.is_authenticated else None
    return services.certify_criterion(
        unit=unit,
        criterion_key=criterion.key,
        is_met=is_met,
        certified_on=certified_on,
        document_number=document,
        department=department,
        note=note,
        user=signed_in,
        actor=actor or Actor(user=signed_in, channel="system"),
    )
