from django.contrib import admin

from ntm.values.models import CriterionCertification, IndicatorValue


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "indicator_key",
        "observed_on",
        "value",
        "is_met",
        "is_current",
        "entered_by",
        "entered_at",
    )
    list_filter = ("is_current",)
    search_fields = ("unit__name", "indicator_key")
    raw_id_fields = ("unit", "supersedes")


@admin.register(CriterionCertification)
class CriterionCertificationAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "criterion_key",
        "is_met",
        "certified_on",
        "document_number",
        "is_current",
    )
    search_fields = ("unit__name", "criterion_key", "document_number")
    raw_id_fields = ("unit", "supersedes")
