"""Who a user is in the programme: the unit they work for, their role, their department."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.units.models import AdminUnit, Department


class RoleChoices(models.TextChoices):
    VIEWER = "viewer", _("Xem")
    DATA_ENTRY = "data_entry", _("Nhập liệu")
    VERIFIER = "verifier", _("Thẩm tra (sở, ngành)")
    APPROVER = "approver", _("Phê duyệt (văn phòng điều phối)")
    ADMINISTRATOR = "administrator", _("Quản trị")


class Profile(models.Model):
    """A user's place: their unit (None = the whole country) and role.

    The unit bounds what the user may see: the unit itself, everything under it, and the
    units linked to those by a reorganization (a commune's 2025 successor, say).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
        help_text=_("Để trống: toàn quốc."),
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=RoleChoices.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sở, ngành"),
    )
    is_demo = models.BooleanField(_("tài khoản demo"), default=False)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("toàn quốc")
        return f"{self.user.get_username()} — {self.get_role_display()}, {where}"


class ApiToken(models.Model):
    """A key for the HTTP API acting as its user, with the user's role and scope.

    Only a SHA-256 hash of the key is stored: the key itself is shown once, when made.
    The prefix (the key's first characters) lets a user tell their tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=16)
    key_hash = models.CharField(_("mã băm"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
