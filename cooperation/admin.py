"""Django admin for the registry, used by reviewers to curate records.

The forms only read what staff typed; the record is written by the registry's services
(`cooperation_create` / `cooperation_update`, with its partners and sources), as the API and
the survey's promotion write it, so every rule of a write holds here too. The forms check
the same rules first (`check_partners`, `parse_dates`), to show their messages beside the
fields; dates are typed at their precision ("2016", "2016-11", "2016-11-04").
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from territories.models import Territory

from .dates import parse_partial_date
from .models import Cooperation, Partnership, Source, Theme
from .services import (
    DETAIL_FIELDS,
    PartnerInput,
    SourceInput,
    check_partners,
    cooperation_create,
    cooperation_delete,
    cooperation_update,
    parse_dates,
)

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


# What the form edits and the services take (beside the dates, typed as text).
RECORD_FIELDS = ["slug", "themes", *DETAIL_FIELDS]


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
        fields = RECORD_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or self.instance.start_date or self.instance.end_date:
            self.initial.setdefault("start", self.instance.start)
            self.initial.setdefault("end", self.instance.end)

    def clean(self):
        cleaned_data = super().clean()
        try:
            parse_dates(start=cleaned_data.get("start", ""), end=cleaned_data.get("end", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data

    def record_fields(self) -> dict:
        """What the services take, as typed: the record's fields, its themes and its dates."""
        return {name: self.cleaned_data[name] for name in [*RECORD_FIELDS, "start", "end"]}


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
            parse_partial_date(cleaned_data.get("date", ""))
        except ValidationError as error:
            self.add_error("date", error)
        return cleaned_data


def _rows(formset: forms.BaseInlineFormSet) -> list[tuple[int, forms.Form | None, object]]:
    """The record's rows after this submission, as (position, form, stored row): the
    submitted rows that stay, and the stored rows the page did not show (added since it
    was opened, say), which stay as they are."""
    submitted = {form.instance.pk for form in formset.forms if form.instance.pk}
    kept = [
        (form.cleaned_data.get("position") or 0, form, form.instance)
        for form in formset.forms
        if form.cleaned_data and not formset._should_delete_form(form)
    ]
    unseen = [] if formset.instance._state.adding else formset.get_queryset()
    unseen = [(row.position, None, row) for row in unseen if row.pk not in submitted]
    return sorted(kept + unseen, key=lambda item: item[0])


def _describe_rows(formset: forms.BaseInlineFormSet) -> None:
    """Fill in what `formset.save()` would have listed for the admin's change message: the
    rows added, changed and deleted (the services write them, not the formset)."""
    kept = [form for _position, form, _row in _rows(formset) if form is not None]
    formset.new_objects = [form.instance for form in kept if form.instance._state.adding]
    formset.changed_objects = [
        (form.instance, form.changed_data)
        for form in kept
        if not form.instance._state.adding and form.has_changed()
    ]
    formset.deleted_objects = [form.instance for form in formset.deleted_forms if form.instance.pk]


class PartnershipInlineFormSet(forms.BaseInlineFormSet):
    def partner_inputs(self) -> list[PartnerInput]:
        partners = []
        for _position, form, row in _rows(self):
            if form is None:
                partners.append(PartnerInput(territory=row.territory, role=row.role))
            elif form.cleaned_data.get("territory"):
                data = form.cleaned_data
                partners.append(PartnerInput(territory=data["territory"], role=data["role"]))
        return partners

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            check_partners(self.partner_inputs())
        except ValidationError as error:
            raise ValidationError(error.message_dict["partners"]) from error


class SourceInlineFormSet(forms.BaseInlineFormSet):
    def source_inputs(self) -> list[SourceInput]:
        fields = ("title", "publisher", "date", "url", "note")
        return [
            SourceInput.from_source(row)
            if form is None
            else SourceInput(**{name: form.cleaned_data.get(name) or "" for name in fields})
            for _position, form, row in _rows(self)
        ]


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
    formset = SourceInlineFormSet
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The change form writes the record together with its inlines, in `save_related`;
        # the history page's revert, which has no inlines, writes it in `save_model`.
        request.cooperation_written_with_inlines = True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if getattr(request, "cooperation_written_with_inlines", False):
            return
        cooperation_update(cooperation=obj, user=request.user, **form.record_fields())

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            _describe_rows(formset)
        (partners,) = [f for f in formsets if isinstance(f, PartnershipInlineFormSet)]
        (sources,) = [f for f in formsets if isinstance(f, SourceInlineFormSet)]
        writes = {
            **form.record_fields(),
            "partners": partners.partner_inputs(),
            "sources": sources.source_inputs(),
            "user": request.user,
        }
        if change:
            cooperation_update(cooperation=form.instance, **writes)
        else:
            created = cooperation_create(**writes)
            # The admin redirects to, and logs, the object its form built.
            form.instance.pk, form.instance.slug = created.pk, created.slug
            form.instance._state.adding = False

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
