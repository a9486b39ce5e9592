"""Django admin for the registry, used by reviewers to curate records.

The admin edits records with ordinary model forms, but keeps the derived data right: after
the inlines are saved, `cooperation_geography_refresh` recomputes the reference métropole,
each partner's relation and the search text, exactly as the services do; dates are typed at
their precision ("2016", "2016-11", "2016-11-04") and parsed by the same function.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from territories.models import Territory

from .dates import ends_before_start, parse_partial_date
from .models import Cooperation, Partnership, Source, Theme
from .services import cooperation_delete, cooperation_geography_refresh

PARTIAL_DATE_HELP = _("AAAA, AAAA-MM ou AAAA-MM-JJ : ne saisir que la précision connue.")


# Addresses typed without a scheme are https (Django 6's default, chosen now).
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def _field_label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _formfield(db_field, **kwargs):
    return db_field.formfield(**{**URL_OVERRIDES.get(type(db_field), {}), **kwargs})


class MetropolisListFilter(admin.SimpleListFilter):
    """Filter by reference métropole, listing only the métropoles that have records."""

    title = _field_label(Cooperation, "metropolis")
    parameter_name = "metropolis"

    def lookups(self, request, model_admin):
        metropolises = Territory.objects.filter(
            pk__in=Cooperation.objects.exclude(metropolis=None).values("metropolis")
        ).order_by("search_name")
        return [(str(t.pk), t.name) for t in metropolises]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(metropolis_id=int(value))


class CooperationAdminForm(forms.ModelForm):
    start = forms.CharField(
        label=_field_label(Cooperation, "start_date"),
        required=False,
        max_length=10,
        help_text=PARTIAL_DATE_HELP,
    )
    end = forms.CharField(
        label=_field_label(Cooperation, "end_date"),
        required=False,
        max_length=10,
        help_text=PARTIAL_DATE_HELP,
    )

    class Meta:
        model = Cooperation
        formfield_callback = _formfield
        # The dates are typed through `start` and `end` at their precision.
        fields = [
            "title",
            "slug",
            "instrument",
            "status",
            "themes",
            "summary",
            "description",
            "governance",
            "engineering",
            "funding",
            "outcomes",
            "difficulties",
            "uncertainty_notes",
            "is_published",
            "origin",
            "origin_label",
            "origin_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or self.instance.start_date or self.instance.end_date:
            self.initial.setdefault("start", self.instance.start)
            self.initial.setdefault("end", self.instance.end)

    def clean(self):
        cleaned_data = super().clean()
        parsed = {}
        for name in ("start", "end"):
            try:
                parsed[name] = parse_partial_date(cleaned_data.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        if len(parsed) == 2:
            (start_date, _), (end_date, end_precision) = parsed["start"], parsed["end"]
            if ends_before_start(start_date, end_date, end_precision):
                self.add_error("end", gettext("La fin précède le début."))
            else:
                # The date columns are not form fields: set them here, before the model
                # validation that follows `clean()`.
                self.instance.start_date, self.instance.start_precision = parsed["start"]
                self.instance.end_date, self.instance.end_precision = parsed["end"]
        return cleaned_data


class SourceInlineForm(forms.ModelForm):
    date = forms.CharField(
        label=_field_label(Source, "published_on"),
        required=False,
        max_length=10,
        help_text=PARTIAL_DATE_HELP,
    )

    class Meta:
        model = Source
        formfield_callback = _formfield
        fields = ["title", "publisher", "date", "url", "note", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("date", self.instance.date)

    def clean(self):
        cleaned_data = super().clean()
        try:
            published_on, precision = parse_partial_date(cleaned_data.get("date", ""))
        except ValidationError as error:
            self.add_error("date", error)
        else:
            self.instance.published_on, self.instance.published_precision = (
                published_on,
                precision,
            )
        return cleaned_data


class PartnershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        territories = [
            form.cleaned_data["territory"]
            for form in self.forms
            if form.cleaned_data.get("territory") and not self._should_delete_form(form)
        ]
        if not any(territory.is_metropolis for territory in territories):
            raise ValidationError(
                gettext("Une coopération compte au moins une métropole parmi ses partenaires."),
                code="no_metropolis",
            )


class PartnershipInline(admin.TabularInline):
    model = Partnership
    formset = PartnershipInlineFormSet
    autocomplete_fields = ["territory"]
    fields = ["territory", "territory_kind", "role", "position", "relation"]
    readonly_fields = ["territory_kind", "relation"]
    extra = 0
    min_num = 1

    @admin.display(description=_("type"))
    def territory_kind(self, partnership):
        return partnership.territory.get_kind_display() if partnership.territory_id else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("territory")


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceInlineForm
    formfield_overrides = URL_OVERRIDES
    fields = [("title", "publisher"), ("date", "url"), "note", "position"]
    extra = 0


@admin.register(Cooperation)
class CooperationAdmin(SimpleHistoryAdmin):
    form = CooperationAdminForm
    formfield_overrides = URL_OVERRIDES
    list_display = [
        "title",
        "metropolis",
        "instrument",
        "status",
        "start_column",
        "is_published",
        "updated_at",
    ]
    list_filter = [
        "is_published",
        "status",
        "instrument",
        "themes",
        "origin",
        MetropolisListFilter,
    ]
    list_select_related = ["metropolis"]
    search_fields = ["title", "slug", "search_text"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    readonly_fields = ["metropolis", "search_text", "created_at", "updated_at"]
    inlines = [PartnershipInline, SourceInline]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "instrument",
                    "status",
                    ("start", "end"),
                    "themes",
                    "summary",
                    "description",
                ]
            },
        ),
        (
            _("Mise en œuvre"),
            {
                "fields": [
                    "governance",
                    "engineering",
                    "funding",
                    "outcomes",
                    "difficulties",
                    "uncertainty_notes",
                ]
            },
        ),
        (
            _("Publication et origine"),
            {"fields": ["is_published", "origin", "origin_label", "origin_url"]},
        ),
        (
            _("Données calculées"),
            {
                "fields": ["metropolis", "search_text", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description=_field_label(Cooperation, "start_date"), ordering="start_date")
    def start_column(self, cooperation):
        return cooperation.start_display

    def get_search_results(self, request, queryset, search_term):
        """Also match accent-insensitively (titles and partner names), as the public search
        does: "metropole" finds "Métropole"."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.search(search_term)
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # A revert from the history page saves the record without its inlines: keep
            # the derived data in step with the partners it has now.
            cooperation_geography_refresh(cooperation=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cooperation_geography_refresh(cooperation=form.instance)

    def delete_model(self, request, obj):
        cooperation_delete(cooperation=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for cooperation in queryset:
            cooperation_delete(cooperation=cooperation, user=request.user)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "position", "cooperation_count"]
    list_display_links = ["code"]
    list_editable = ["position"]
    search_fields = ["code", "label_fr", "label_en"]
    ordering = ["position", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cooperation_count=Count("cooperations"))

    @admin.display(description=_("coopérations"), ordering="cooperation_count")
    def cooperation_count(self, theme):
        return theme.cooperation_count
