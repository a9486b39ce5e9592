from django.contrib import admin

from .models import Containment, Territory


class ContainerInline(admin.TabularInline):
    model = Containment
    fk_name = "content"
    autocomplete_fields = ["container"]
    extra = 0
    verbose_name = "contenu dans"


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "code", "siren", "population", "is_obsolete"]
    list_filter = ["kind", "category", "is_obsolete"]
    search_fields = ["search_name", "code", "siren"]
    readonly_fields = ["search_name", "created_at", "updated_at"]
    inlines = [ContainerInline]
    list_per_page = 50
    show_full_result_count = False
