from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuesConfig(AppConfig):
    name = "ntm.values"
    label = "values"
    verbose_name = _("Giá trị chỉ tiêu")
