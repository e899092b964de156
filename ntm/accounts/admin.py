from django.contrib import admin

from ntm.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "department", "is_demo"]
    list_filter = ["role", "is_demo"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["department"]
