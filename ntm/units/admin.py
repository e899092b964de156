from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ntm.audit.services import Actor
from ntm.units import services
from ntm.units.models import AdminUnit, Department, ReorganizationEvent, Succession


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "kind", "parent", "valid_from", "valid_to", "region")
    list_filter = ("level", "kind", "region", "source")
    # search_name is the unaccented name: "ky lac" finds Xã Kỳ Lạc.
    search_fields = ("name", "search_name", "code")
    list_select_related = ("parent",)
    # The shape and dates of a unit change only through reorganization events (services),
    # so that successions stay consistent; here only the region and commune group are set.
    readonly_fields = tuple(
        f.name for f in AdminUnit._meta.fields if f.name not in ("id", "region", "commune_group")
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "region" in form.changed_data:
            services.set_region(unit=obj, region=obj.region, actor=Actor.from_request(request))
        if "commune_group" in form.changed_data:
            services.set_commune_group(
                unit=obj, group=obj.commune_group, actor=Actor.from_request(request)
            )


class SuccessionInline(admin.TabularInline):
    model = Succession
    extra = 0
    raw_id_fields = ("predecessor", "successor")
    verbose_name = _("liên kết kế thừa")


@admin.register(ReorganizationEvent)
class ReorganizationEventAdmin(admin.ModelAdmin):
    list_display = (
        "effective_date",
        "kind",
        "legal_act_number",
        "issuer",
        "confidence",
        "source",
        "recorded_at",
    )
    list_filter = ("kind", "source", "confidence")
    search_fields = (
        "legal_act_number",
        "note",
        "successions__predecessor__name",
        "successions__successor__name",
    )
    date_hierarchy = "effective_date"
    inlines = [SuccessionInline]
    raw_id_fields = ("recorded_by",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "unit", "sector")
    list_filter = ("sector",)
    search_fields = ("name", "short_name", "unit__name")
    raw_id_fields = ("unit",)
