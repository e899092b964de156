"""The recognition panel of a unit page (its content is read by
``ntm.recognition.panel.unit_panel``, called from the unit page's view)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("recognition/_unit_panel.html", takes_context=True)
def recognition_panel(context: dict[str, Any], panel: dict[str, Any]) -> dict[str, Any]:
    return {**panel, "request": context["request"]}
