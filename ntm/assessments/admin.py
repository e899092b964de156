from django.contrib import admin

from ntm.assessments import models


@admin.register(models.IndicatorValue)
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


@admin.register(models.CriterionCertification)
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


@admin.register(models.Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("unit", "tier", "decision_number", "decision_date", "issuer")
    list_filter = ("tier",)
    search_fields = ("unit__name", "decision_number")
    raw_id_fields = ("unit",)


for model in (models.Revocation, models.Target, models.Registration, models.Sponsorship):
    admin.site.register(model)


@admin.register(models.Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("unit", "set_id", "period", "status", "updated_by", "updated_at")
    list_filter = ("status", "set_id")
    search_fields = ("unit__name", "set_id", "period")
    raw_id_fields = ("unit",)
