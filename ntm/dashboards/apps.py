from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The read side: the evaluation of many units, dashboards, figures over time, the draft
    preview, and the unit, children, dashboard, map and export pages. No models."""

    name = "ntm.dashboards"
    label = "dashboards"
    verbose_name = _("Bảng điều khiển")
