"""Template tags of the user and audit pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ntm.audit.labels import action_label

register = template.Library()


@register.simple_tag
def user_state(user, locked) -> str:
    """A badge: deactivated, locked out after wrong passwords, or active."""
    if not user.is_active:
        return format_html('<span class="badge badge-not-met">{}</span>', _("Đã khóa"))
    if locked:
        return format_html('<span class="badge badge-missing">{}</span>', _("Tạm khóa đăng nhập"))
    return format_html('<span class="badge badge-met">{}</span>', _("Đang hoạt động"))


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)
