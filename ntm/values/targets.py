"""Where values may be entered: a set of the unit's level, a period the unit existed in."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit, LevelChoices
from ntm.values.validation import AssessmentError


def check_target(unit: AdminUnit, criteria_set: CriteriaSet, period: Period) -> None:
    """Refuse a set of another level, or a period ending when the unit did not exist."""
    if criteria_set.level != unit.level:
        raise AssessmentError(
            _("Bộ tiêu chí “%(set)s” dành cho cấp %(level)s, không dùng cho %(unit)s.")
            % {
                "set": criteria_set.name_vi,
                "level": LevelChoices(criteria_set.level).label,
                "unit": unit.name,
            }
        )
    if not unit.to_domain().is_active(period.observed_on):
        raise AssessmentError(
            _(
                "%(unit)s không tồn tại vào ngày %(date)s (ngày cuối của kỳ %(period)s): "
                "chọn một kỳ trong thời gian đơn vị còn hiệu lực."
            )
            % {
                "unit": unit.name,
                "date": period.observed_on.strftime("%d/%m/%Y"),
                "period": period.label,
            }
        )
