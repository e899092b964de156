"""The words for stored codes as template filters: the functions live in
``ntm.presentation.labels`` (the pages' code imports them there); this library keeps its name
so templates load it as before."""

from django import template

from ntm.presentation.labels import (
    comparator_symbol,
    confidence_label,
    differentiation_label,
    group_label,
    is_english_note,
    iso_date,
    kind_label,
    language_name,
    level_label,
    line_label,
    localized_name,
    measure_label,
    number,
    region_label,
    set_status_label,
    threshold_text,
    tier_label,
)

register = template.Library()

register.filter("confidence_label", confidence_label)
register.filter("comparator_symbol", comparator_symbol)
register.filter("kind_label", kind_label)
register.filter("tier_label", tier_label)
register.filter("level_label", level_label)
register.filter("region_label", region_label)
register.filter("group_label", group_label)
register.filter("line_label", line_label)
register.filter("differentiation_label", differentiation_label)
register.filter("measure_label", measure_label)
register.filter("set_status_label", set_status_label)
register.filter("iso_date", iso_date)
register.filter("number", number)
register.filter("localized_name", localized_name)
register.filter("language_name", language_name)
register.filter("is_english_note", is_english_note)
register.simple_tag(threshold_text, name="threshold_text")
