from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: what was asked, by whom, how it went (jobs are made by the export pages
    and the API, and cleaned up by `purge_exports`)."""

    list_display = ["label", "status", "failure", "user", "rows_written", "created_at"]
    list_filter = ["status", "kind", "failure"]
    search_fields = ["label", "filename", "user__username", "user__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
