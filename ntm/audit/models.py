"""The audit trail: one append-only row per change to data, status or permissions."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed what, when, from where, from which value to which, and why.

    Rows are never updated or deleted. They name the record they describe by type and id
    and keep the unit as a plain id and a label, not foreign keys, so an entry survives the
    deletion of its record, of its unit and of the user who made it.
    """

    # The present unless the writing service is given its clock (``services`` docstring).
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,  # the entry keeps the id and name of a deleted user
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    channel = models.CharField(_("kênh"), max_length=16, blank=True, help_text="web, api, cli")
    action = models.CharField(_("thao tác"), max_length=60, db_index=True)
    object_type = models.CharField(_("loại bản ghi"), max_length=60, blank=True)
    object_id = models.CharField(_("mã bản ghi"), max_length=60, blank=True)
    unit_id = models.BigIntegerField(_("mã đơn vị"), null=True, blank=True, db_index=True)
    unit_label = models.CharField(_("đơn vị"), max_length=200, blank=True)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    old = models.JSONField(_("giá trị cũ"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("giá trị mới"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.summary}"

    def save(self, *args, **kwargs):
        # Append-only: an entry, once written, is never rewritten.
        if self.pk is not None:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries cannot be deleted.")
