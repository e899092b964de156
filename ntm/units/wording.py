"""Words and small page helpers that several layers need, kept at the lowest one that does.

The message for refused text (a lone surrogate, NUL or another control character), used by
the file importers of units and criteria, the API parser and the error pages; the trail
of a unit's parents (breadcrumbs), used by the pages of every app. A scope (accounts, a
layer above) is anything with ``allows(unit)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from ntm.core.text import BadText
from ntm.units.models import AdminUnit


class InScope(Protocol):
    def allows(self, unit: AdminUnit) -> bool: ...


def bad_text_message(found: BadText) -> str:
    """What was refused, where, why and what to do, for a page or an API answer."""
    what = {
        "surrogate": _("một nửa cặp thay thế UTF-16 đứng một mình"),
        "nul": _("ký tự NUL"),
        "control": _("một ký tự điều khiển"),
    }[found.kind]
    return _(
        "Dữ liệu “%(where)s” chứa %(what)s (%(code)s), không lưu được; "
        "hãy xóa ký tự đó (thường do sao chép từ phần mềm khác) rồi gửi lại."
    ) % {"where": found.where or _("gửi lên"), "what": what, "code": found.code}


def ancestors(unit: AdminUnit) -> list[AdminUnit]:
    """The unit's parents, province first (load the unit with select_related parents)."""
    chain = []
    current = unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain[::-1]


@dataclass(frozen=True)
class Crumb:
    unit: AdminUnit
    is_link: bool


def crumbs(unit: AdminUnit, scope: InScope) -> list[Crumb]:
    """The ancestors; those outside the user's scope are shown as plain text."""
    return [Crumb(a, scope.allows(a)) for a in ancestors(unit)]
