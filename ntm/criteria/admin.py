from django.contrib import admin

from ntm.criteria.models import CriteriaSet


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("set_id", "version", "status", "level", "tier", "legal_number", "published_at")
    list_filter = ("level", "tier", "status")
    search_fields = ("set_id", "name_vi", "legal_number")
    # A published version never changes: sets are edited as files and loaded.
    readonly_fields = [f.name for f in CriteriaSet._meta.fields]

    def has_add_permission(self, request):
        return False
