"""Who recorded a row and when: the abstract base of the recorded models.

It names a user (``settings.AUTH_USER_MODEL``), so it lives in accounts, the lowest layer
that knows users; values, recognition, programme and reports all sit above accounts and
import it downward, and none of them has to depend on another for a base class.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Recorded(models.Model):
    """Who recorded a row and when; corrections keep the row they replace."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        abstract = True
