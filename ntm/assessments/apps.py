from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Kept installed with no code: its migrations hold the state history of the models that
    moved to values, approvals, programme, reports and recognition (issue 10); the evaluation
    and dashboards moved to ``ntm.dashboards``."""

    name = "ntm.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá")
