from django.contrib import admin

from ntm.recognition.models import Recognition, Revocation


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("unit", "tier", "decision_number", "decision_date", "issuer")
    list_filter = ("tier",)
    search_fields = ("unit__name", "decision_number")
    raw_id_fields = ("unit",)


admin.site.register(Revocation)
