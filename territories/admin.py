"""Django admin for the geography.

Régions, départements, communes, EPCI and EPT come from the official files: the importer
owns them and would overwrite any hand edit, so they are read-only here and cannot be
deleted (a territory that leaves the files is marked obsolete). Staff create and edit the
territories that are not in those files: groupings (PETR, pays, pôles métropolitains, PNR,
associations…) and foreign authorities, and place them in départements or régions.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Containment, Territory, TerritoryCategory, TerritoryKind
from .services import REFERENCE_KINDS, grouping_upsert
from .signals import reference_data_imported

STAFF_KINDS = (TerritoryKind.GROUPING, TerritoryKind.FOREIGN)
STAFF_CATEGORIES = (
    TerritoryCategory.PETR,
    TerritoryCategory.POLE_METROPOLITAIN,
    TerritoryCategory.PNR,
    TerritoryCategory.SYNDICAT_MIXTE,
    TerritoryCategory.PAYS,
    TerritoryCategory.ASSOCIATION,
    TerritoryCategory.OTHER,
)
# Everything the importer writes: read-only on official territories.
IMPORTED_FIELDS = (
    "kind",
    "code",
    "name",
    "category",
    "siren",
    "population",
    "postal_codes",
    "is_obsolete",
    "source",
    "vintage",
)


def is_official(territory: Territory | None) -> bool:
    return territory is not None and territory.pk is not None and territory.kind in REFERENCE_KINDS


class ContainerInline(admin.TabularInline):
    model = Containment
    fk_name = "content"
    autocomplete_fields = ["container"]
    extra = 0
    verbose_name = _("contenu dans")
    verbose_name_plural = _("contenu dans")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("container")

    # The importer keeps the containments of official territories in step with the files.
    def has_add_permission(self, request, obj=None):
        return not is_official(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_official(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_official(obj) and super().has_delete_permission(request, obj)


class StaffTerritoryForm(forms.ModelForm):
    """Creating or editing a grouping or a foreign authority."""

    class Meta:
        model = Territory
        fields = ["kind", "category", "code", "siren", "name", "population", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in TerritoryKind.choices if value in STAFF_KINDS
        ]
        self.fields["category"].choices = [
            ("", "---------"),
            *(
                (value, label)
                for value, label in TerritoryCategory.choices
                if value in STAFF_CATEGORIES
            ),
        ]
        self.fields["code"].help_text = _(
            "Identifiant stable, par exemple le SIREN du groupement s’il en a un, sinon un code "
            "en majuscules (PETR-PAYS-DE-RETZ)."
        )


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "code", "siren", "population", "is_obsolete"]
    list_filter = ["kind", "category", "is_obsolete", "source"]
    search_fields = ["search_name", "code", "siren"]
    inlines = [ContainerInline]
    list_per_page = 50
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not is_official(obj):
            kwargs["form"] = StaffTerritoryForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if is_official(obj):
            return [*IMPORTED_FIELDS, "created_at", "updated_at"]
        return [*StaffTerritoryForm._meta.fields, "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if is_official(obj):
            return [*IMPORTED_FIELDS, "created_at", "updated_at"]
        return ["created_at", "updated_at"]

    # Official territories are shown read-only (kind and code included): the importer owns
    # them, would overwrite a hand edit, and marks them obsolete instead of deleting them.
    def has_change_permission(self, request, obj=None):
        return not is_official(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_official(obj) and super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive name search (or a code / SIREN prefix), best matches first —
        also what the autocomplete widgets of other admin pages use."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term).ranked_by_relevance(search_term), False

    def save_related(self, request, form, formsets, change):
        territory = form.instance
        before = self._containers(territory) if change else frozenset()
        super().save_related(request, form, formsets, change)
        if territory.kind not in STAFF_KINDS:
            return
        # Through the service: a grouping placed in a département is in its région too.
        grouping_upsert(
            kind=territory.kind,
            code=territory.code,
            name=territory.name,
            category=territory.category,
            siren=territory.siren,
            containers=[(c.kind, c.code) for c in territory.containers.all()],
            source=territory.source,
        )
        if "kind" in form.changed_data or self._containers(territory) != before:
            # Data derived from the geography (the registry's partner relations) must
            # follow, as after an import.
            reference_data_imported.send(sender=Territory, report=None)

    @staticmethod
    def _containers(territory: Territory) -> frozenset[int]:
        return frozenset(
            Containment.objects.filter(content=territory).values_list("container_id", flat=True)
        )
