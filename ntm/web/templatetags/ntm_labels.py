"""Words for the codes stored in criteria data, in the user's language."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

CONFIDENCE_LABELS = {
    "verified": _("đã xác minh"),
    "partial": _("xác minh một phần"),
    "unverified": _("chưa xác minh"),
}


@register.filter
def confidence_label(code: str) -> str:
    """'unverified' -> 'chưa xác minh'; unknown codes are shown as they are."""
    return CONFIDENCE_LABELS.get(code, code)
