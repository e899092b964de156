from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ntm.accounts"
    verbose_name = _("Người dùng và phạm vi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ntm.accounts.middleware import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="ntm-session-clocks")
