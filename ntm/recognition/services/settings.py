"""The province's settings of the recognition procedure."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.number_messages import number_in_text
from ntm.recognition.models import (
    ProcedureSetting,
)
from ntm.recognition.procedure import setting_defs
from ntm.recognition.selectors import (
    PROVINCE,
    setting_value,
)
from ntm.recognition.services.access import (
    CaseRefused,
    _required,
    _text,
    _user,
    require_actor,
)
from ntm.units.models import AdminUnit

# --- Settings ---------------------------------------------------------------------------------


@transaction.atomic
def set_procedure_setting(
    *,
    province: AdminUnit,
    key: str,
    value: float | None,
    decision_date: dt.date | None,
    actor: Actor,
    decision_number: str = "",
    issuer: str = "",
    note: str = "",
) -> ProcedureSetting:
    """A province fixes a value the procedure leaves open (a deadline, the satisfaction level,
    the monitoring band), with the document that sets it; earlier values stay as history."""
    require_actor(actor.user, province, PROVINCE)
    definitions = setting_defs()
    problems: list[str] = []
    if province.level != "province":
        problems.append(
            _("Thông số quy trình được đặt cho tỉnh, không cho %(unit)s.") % {"unit": province.name}
        )
    definition = definitions.get(key)
    if definition is None:
        raise CaseRefused([_("Không có thông số “%(key)s”.") % {"key": key}])
    if value is None:
        problems.append(_("Cần nhập giá trị."))
    elif not definition.minimum <= value <= definition.maximum:
        problems.append(
            _("%(label)s phải từ %(min)s đến %(max)s, nhận được %(value)s.")
            % {
                "label": definition.label,
                "min": number_in_text(definition.minimum),
                "max": number_in_text(definition.maximum),
                "value": number_in_text(value),
            }
        )
    elif definition.is_whole and value != int(value):
        problems.append(_("%(label)s phải là số nguyên.") % {"label": definition.label})
    if decision_date is None:
        problems.append(_("Cần nhập ngày áp dụng (ngày của văn bản quy định)."))
    if definition.is_legal:
        _required(problems, decision_number, _("số văn bản quy định"))
    if problems:
        raise CaseRefused(problems)
    before = setting_value(province, key, decision_date)
    row = ProcedureSetting.objects.create(
        province=province,
        key=key,
        value=float(value),
        decision_number=_text(decision_number),
        decision_date=decision_date,
        issuer=_text(issuer),
        note=_text(note),
        set_by=_user(actor),
    )
    record_change(
        actor,
        Change(
            action="recognition.setting",
            obj=row,
            unit_id=province.pk,
            unit_label=province.name,
            summary=f"{key} = {value:g} ({_text(decision_number) or '-'}, {decision_date.isoformat()})",
            old={"value": before.value},
            new={
                "value": float(value),
                "decision_number": _text(decision_number),
                "decision_date": decision_date,
                "issuer": _text(issuer),
            },
        ),
        reason=_text(note),
    )
    return row
