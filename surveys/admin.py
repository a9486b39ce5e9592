"""Django admin for the survey team: questionnaires are loaded from files (read-only
here), campaigns and officers are edited, responses are inspected with their history."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, Officer, Questionnaire, Response


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["slug", "version", "title_fr", "loaded_at"]
    list_filter = ["slug"]
    search_fields = ["slug", "title_fr", "title_en"]
    fields = [
        "slug",
        "version",
        "title_fr",
        "title_en",
        "checksum",
        "loaded_at",
        "pretty_definition",
    ]
    readonly_fields = fields

    @admin.display(description=_("définition"))
    def pretty_definition(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.definition, indent=2, ensure_ascii=False)
        )

    def has_add_permission(self, request):
        # Questionnaires come from versioned files, through `load_questionnaire`.
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "opening_date", "closing_date"]
    list_filter = ["questionnaire"]
    search_fields = ["title", "organisers"]
    autocomplete_fields = ["targets"]
    date_hierarchy = "opening_date"


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "created_at"]
    search_fields = ["user__username", "user__email", "territory__name", "territory__code"]
    autocomplete_fields = ["user", "territory"]
    list_select_related = ["user", "territory"]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["territory", "campaign", "status", "version", "submitted_at", "updated_at"]
    list_filter = ["campaign", "status"]
    search_fields = ["territory__name", "territory__code"]
    list_select_related = ["territory", "campaign"]
    readonly_fields = [
        "campaign",
        "territory",
        "questionnaire",
        "version",
        "created_at",
        "updated_at",
        "last_saved_by",
        "submitted_at",
        "submitted_by",
        "validated_at",
        "validated_by",
    ]
