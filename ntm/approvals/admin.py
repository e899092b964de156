from django.contrib import admin

from ntm.approvals.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("unit", "set_id", "period", "status", "updated_by", "updated_at")
    list_filter = ("status", "set_id")
    search_fields = ("unit__name", "set_id", "period")
    raw_id_fields = ("unit",)
