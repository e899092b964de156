from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ntm.web"
    label = "web"
    verbose_name = _("Giao diện web")

    def ready(self) -> None:
        # <id:...> for every page URL with a record id (ntm/web/urls.py, recognition/urls.py).
        from ntm.presentation import converters  # noqa: F401 - registers the converter
