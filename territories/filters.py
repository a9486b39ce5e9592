"""The one FilterSet behind both the /territoires/ page and /api/v1/territories/."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Territory, TerritoryCategory, TerritoryKind


class TerritoryReferenceField(forms.CharField):
    """A `<kind>:<code>` reference (e.g. `epci:242900314`), cleaned to a Territory."""

    default_error_messages = {
        "format": _("Format attendu : <type>:<code>, par exemple epci:242900314."),
        "kind": _("Type de territoire inconnu : « %(kind)s »."),
        "unknown": _("Aucun territoire ne correspond à « %(value)s »."),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        kind, separator, code = value.partition(":")
        kind, code = kind.strip().lower(), code.strip().upper()
        if not separator or not kind or not code:
            raise ValidationError(self.error_messages["format"], code="format")
        if kind not in TerritoryKind.values:
            raise ValidationError(self.error_messages["kind"], code="kind", params={"kind": kind})
        territory = Territory.objects.filter(kind=kind, code=code).first()
        if territory is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return territory


class TerritoryReferenceFilter(django_filters.Filter):
    field_class = TerritoryReferenceField


class TerritoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_q",
        help_text=_("Nom (sans tenir compte des accents ni de la casse), code INSEE ou SIREN."),
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=TerritoryKind.choices)
    category = django_filters.ChoiceFilter(label=_("Catégorie"), choices=TerritoryCategory.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Département"),
        queryset=Territory.objects.of_kind(TerritoryKind.DEPARTMENT).order_by("code"),
        to_field_name="code",
        method="filter_department",
        help_text=_("Code INSEE du département, par exemple 29."),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        queryset=Territory.objects.of_kind(TerritoryKind.REGION).order_by("search_name"),
        to_field_name="code",
        method="filter_region",
        help_text=_("Code INSEE de la région, par exemple 53."),
    )
    is_metropolis = django_filters.BooleanFilter(
        label=_("Métropoles seulement"), method="filter_is_metropolis"
    )
    contained_in = TerritoryReferenceFilter(
        label=_("Contenu dans"),
        method="filter_contained_in",
        help_text=_("Territoires contenus dans <type>:<code>, par exemple epci:242900314."),
    )
    contains = TerritoryReferenceFilter(
        label=_("Contient"),
        method="filter_contains",
        help_text=_("Territoires qui contiennent <type>:<code>, par exemple commune:29019."),
    )
    include_obsolete = django_filters.BooleanFilter(
        label=_("Inclure les territoires obsolètes"), method="filter_include_obsolete"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Tri"),
        fields=(("search_name", "name"), ("population", "population"), ("code", "code")),
        field_labels={
            "search_name": _("Nom"),
            "population": _("Population"),
            "code": _("Code"),
        },
    )

    class Meta:
        model = Territory
        fields = []

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_obsolete"):
            queryset = queryset.current()
        query = self.form.cleaned_data.get("q")
        if query and not self.form.cleaned_data.get("ordering"):
            queryset = queryset.ranked_by_relevance(query)
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_department(self, queryset, name, value):
        return queryset.in_department(value.code) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value.code) if value else queryset

    def filter_is_metropolis(self, queryset, name, value):
        if value is None:
            return queryset
        metropolises = Territory.objects.metropolises().values("pk")
        return queryset.filter(pk__in=metropolises) if value else queryset.exclude(
            pk__in=metropolises
        )

    def filter_contained_in(self, queryset, name, value):
        return queryset.contained_in(value) if value else queryset

    def filter_contains(self, queryset, name, value):
        return queryset.containing(value) if value else queryset

    def filter_include_obsolete(self, queryset, name, value):
        return queryset  # applied in `qs`, after every other filter
