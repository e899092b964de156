"""What the pages of a unit's values and its approval share: the set and period a page
works on (``entry_target``, read from the query string), the period picker
(``picker_context``), and where to go back after a post (``safe_next``, never off site).

The entry form, the bulk grid, the value history and the approval page use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets
from ntm.dashboards import unit_status
from ntm.units.models import AdminUnit
from ntm.values.entry_periods import (
    PeriodChoice,
    part_choices,
    period_title,
    read_period,
    year_choices,
)


@dataclass(frozen=True)
class Target:
    """The unit, set and period a page works on, with what is wrong with them."""

    unit: AdminUnit
    choice: PeriodChoice
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    errors: list[str]

    @property
    def period(self) -> Period:
        return self.choice.period

    def query(self, **extra: str) -> str:
        params = {"set": self.criteria_set.set_id} if self.criteria_set is not None else {}
        params["period"] = self.period.label
        params.update(extra)
        return urlencode(params)


def entry_target(request: HttpRequest, unit: AdminUnit, *, set_level: str | None = None) -> Target:
    """The set and period asked for in the query string, else sensible defaults."""
    choice = read_period(request.GET, unit)
    errors = [choice.error] if choice.error else []
    level = set_level or unit.level
    probe = unit
    if level != unit.level:
        probe = AdminUnit.objects.filter(level=level, parent=unit).first() or (
            AdminUnit.objects.filter(level=level, parent__parent=unit).first()
        )
    sets = applicable_sets(probe, choice.period.observed_on) if probe is not None else []
    asked = request.GET.get("set", "").strip()
    chosen = next((s for s in sets if s.set_id == asked), None)
    if chosen is None and asked:
        chosen = unit_status.requested_set(asked, level)
        if chosen is None:
            errors.append(
                _("Không có bộ tiêu chí “%(set)s” cho cấp này; đang mở bộ áp dụng.")
                % {"set": asked}
            )
        else:
            sets = [*sets, chosen]
    if chosen is None and sets:
        chosen = sets[0]
    return Target(unit, choice, sets, chosen, errors)


def picker_context(target: Target) -> dict:
    """The period picker of a page (years, parts, the chosen period and its title)."""
    return {
        "as_of": target.period.observed_on,
        "years": year_choices(target.unit, target.choice.year),
        "parts": part_choices(),
        "choice": target.choice,
        "period_title": period_title(target.period),
    }


def safe_next(request: HttpRequest, default: str) -> str:
    """The posted or asked ``next`` address if it stays on this site, else the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
