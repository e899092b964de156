"""What a verifier may enter: only the indicators of the criteria their department verifies.

A verifier (a provincial department) sees every unit of the province, and may correct the
figures of its own sector there; it may not enter another sector's indicators, nor the
tier conditions outside every criterion. The department responsible for a criterion of a
unit is decided by ``responsibility`` (an office's assignment, else the sector default).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from ntm.accounts.membership import verifier_department_id
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import role_of
from ntm.approvals.responsibility import responsible_for
from ntm.core.criteria.model import CriterionDef
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.units.models import AdminUnit


def foreign_indicators(
    user: AbstractBaseUser | AnonymousUser | None, cells: Sequence
) -> dict[tuple[int, str], str]:
    """For a verifier, each (unit, indicator key) that is not their department's, and why.

    Empty for every other role. A few queries whatever the number of cells.
    """
    if role_of(user) != RoleChoices.VERIFIER or not cells:
        return {}
    department_id = verifier_department_id(user)
    keys = {c.indicator_key for c in cells}
    criterion_of: dict[str, tuple[str, CriterionDef]] = {}
    definitions = {}
    published = CriteriaSet.objects.filter(
        set_id__in={k.partition(":")[0] for k in keys}, status=SetStatusChoices.PUBLISHED
    )
    for stored in published.order_by("set_id", "-version"):
        if stored.set_id in definitions:
            continue
        definition = stored.to_domain()
        definitions[stored.set_id] = definition
        for criterion in definition.criteria:
            for indicator in criterion.indicators:
                criterion_of.setdefault(indicator.key, (stored.set_id, criterion))
    units = list(
        AdminUnit.objects.select_related("parent__parent__parent").filter(
            pk__in={c.unit_id for c in cells}
        )
    )
    responsible = {
        set_id: responsible_for(units, definition) for set_id, definition in definitions.items()
    }
    refused: dict[tuple[int, str], str] = {}
    for cell in cells:
        found = criterion_of.get(cell.indicator_key)
        if found is None:
            refused[(cell.unit_id, cell.indicator_key)] = _(
                "Chỉ tiêu “%(key)s” không thuộc tiêu chí nào (điều kiện chung của mức đạt): "
                "tài khoản thẩm tra không nhập chỉ tiêu này; đề nghị người nhập liệu của đơn vị."
            ) % {"key": cell.indicator_key}
            continue
        set_id, criterion = found
        who = responsible[set_id].get(cell.unit_id, {}).get(criterion.key)
        department = who.department if who is not None else None
        if department is not None and department.pk == department_id:
            continue
        refused[(cell.unit_id, cell.indicator_key)] = _(
            "Chỉ tiêu %(code)s thuộc tiêu chí %(number)s, do %(department)s thẩm tra: tài khoản "
            "thẩm tra chỉ nhập số liệu các tiêu chí của sở, ngành mình."
        ) % {
            "code": cell.indicator_key.partition(":")[2],
            "number": criterion.number,
            "department": department.name if department else _("văn phòng điều phối"),
        }
    return refused
