"""The one FilterSet behind both the /territoires/ page and /api/v1/territories/."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.filtersets import FilterSetWithDefaults

from .columns import metropolis_columns
from .models import Territory, TerritoryCategory, TerritoryKind
from .references import TerritoryReference


class TerritoryReferenceField(forms.CharField):
    """A `<kind>:<code>` reference (e.g. `epci:242900314`), cleaned to a Territory."""

    default_error_messages = {
        "format": _("Format attendu : <type>:<code>, par exemple epci:242900314."),
        "kind": _("Type de territoire inconnu : « %(kind)s »."),
        "unknown": _("Aucun territoire ne correspond à « %(value)s »."),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        reference = TerritoryReference.parse(value)
        if reference is None:
            kind, separator, code = value.partition(":")
            kind = kind.strip().lower()
            if separator and kind and code.strip() and kind not in TerritoryKind.values:
                raise ValidationError(
                    self.error_messages["kind"], code="kind", params={"kind": kind}
                )
            raise ValidationError(self.error_messages["format"], code="format")
        territory = Territory.objects.by_references([value]).get(value)
        if territory is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return territory


class TerritoryReferenceFilter(django_filters.Filter):
    field_class = TerritoryReferenceField


class DistanceFromField(forms.CharField):
    """`<kind>:<code>,<km>` (e.g. `epci:242900314,50`), cleaned to (Territory, km): a
    territory with a contour, and a distance in kilometres."""

    MAX_KM = 2000  # beyond, every territory of mainland France matches
    default_error_messages = {
        "format": _("Format attendu : <type>:<code>,<km>, par exemple epci:242900314,50."),
        "number": _("Distance attendue en kilomètres, entre 0 et %(max)s : « %(value)s »."),
        "no_contour": _(
            "Le territoire « %(name)s » n’a pas de contour chargé : aucune distance ne peut "
            "être calculée."
        ),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        reference, separator, number = value.rpartition(",")
        if not separator:
            raise ValidationError(self.error_messages["format"], code="format")
        territory = TerritoryReferenceField(required=False).clean(reference)
        if territory is None:
            raise ValidationError(self.error_messages["format"], code="format")
        try:
            km = float(number.strip())
        except ValueError:
            km = -1.0
        if not 0 < km <= self.MAX_KM:  # also refuses nan and inf
            raise ValidationError(
                self.error_messages["number"],
                code="number",
                params={"max": self.MAX_KM, "value": number.strip()},
            )
        if territory.geometry_or_none is None:
            raise ValidationError(
                self.error_messages["no_contour"],
                code="no_contour",
                params={"name": territory.name},
            )
        return territory, km


class DistanceFromFilter(django_filters.Filter):
    field_class = DistanceFromField


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Hands the raw query value to the field, so that the field can reject what it does
    not understand (Django's widget silently turns `maybe` into "no filter")."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictNullBooleanField(forms.NullBooleanField):
    """Yes, no or indifferent; any other value is an error, never silently ignored."""

    widget = StrictNullBooleanSelect
    default_error_messages = {
        "invalid": _("Valeur attendue : true ou false."),
    }
    TRUE_VALUES = frozenset({"true", "1", "yes", "on", "oui"})
    FALSE_VALUES = frozenset({"false", "0", "no", "off", "non"})
    EMPTY_VALUES = frozenset({"", "unknown"})

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        normalized = str(value).strip().lower()
        if normalized in self.EMPTY_VALUES:
            return None
        if normalized in self.TRUE_VALUES:
            return True
        if normalized in self.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class TerritoryFilterSet(FilterSetWithDefaults):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_q",
        help_text=_("Nom (sans tenir compte des accents ni de la casse), code INSEE ou SIREN."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=TerritoryKind.choices,
        help_text=_("Type de territoire, par exemple epci."),
    )
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"),
        choices=TerritoryCategory.choices,
        help_text=_("Catégorie juridique (EPCI et groupements), par exemple METRO."),
    )
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
    is_metropolis = StrictBooleanFilter(
        label=_("Métropoles seulement"),
        method="filter_is_metropolis",
        help_text=_(
            "true : seulement les métropoles (EPCI de catégorie METRO ou MET69) ; "
            "false : tout sauf les métropoles."
        ),
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
    neighbour_of = TerritoryReferenceFilter(
        label=_("Voisins de"),
        method="filter_neighbour_of",
        help_text=_(
            "Territoires qui ont une frontière commune avec <type>:<code> (un point de "
            "contact suffit), par exemple epci:242900314 : communes, EPCI, EPT, "
            "départements ou régions du même type, et groupements voisins d’un EPCI."
        ),
    )
    within_km = DistanceFromFilter(
        label=_("À moins de … km de"),
        method="filter_within_km",
        help_text=_(
            "Territoires dont le point représentatif est à au plus <km> kilomètres (à vol "
            "d’oiseau) de celui de <type>:<code>, ce territoire exclu, par exemple "
            "epci:242900314,50."
        ),
    )
    include_obsolete = StrictBooleanFilter(
        label=_("Inclure les territoires obsolètes"),
        method="filter_include_obsolete",
        help_text=_(
            "true : inclure les territoires absents de la dernière version du référentiel "
            "(exclus par défaut)."
        ),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Tri"),
        help_text=_(
            "Tri : name, population ou code ; préfixe « - » pour l’ordre décroissant. "
            "Sans tri, une recherche q classe les résultats par pertinence."
        ),
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

    @classmethod
    def apply_defaults(cls, queryset, cleaned_data):
        """Obsolete territories hidden unless asked for; a search without a sort ranked by
        relevance."""
        if not cleaned_data.get("include_obsolete"):
            queryset = queryset.current()
        query = cleaned_data.get("q")
        if query and not cleaned_data.get("ordering"):
            queryset = queryset.ranked_by_relevance(query)
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    # The `value: Territory` hints tell drf-spectacular that these parameters are strings
    # (a code), which it cannot infer from a method-backed ModelChoiceFilter.
    def filter_department(self, queryset, name, value: Territory):
        return queryset.in_department(value.code) if value else queryset

    def filter_region(self, queryset, name, value: Territory):
        return queryset.in_region(value.code) if value else queryset

    def filter_is_metropolis(self, queryset, name, value):
        if value is None:
            return queryset
        metropolises = Territory.objects.metropolises().values("pk")
        return (
            queryset.filter(pk__in=metropolises) if value else queryset.exclude(pk__in=metropolises)
        )

    def filter_contained_in(self, queryset, name, value: Territory):
        return queryset.contained_in(value) if value else queryset

    def filter_contains(self, queryset, name, value: Territory):
        return queryset.containing(value) if value else queryset

    def filter_neighbour_of(self, queryset, name, value: Territory):
        return queryset.neighbours_of(value) if value else queryset

    # Cleaned to (territory, km); the hint documents the query parameter as a string.
    def filter_within_km(self, queryset, name, value: str):
        if not value:
            return queryset
        territory, km = value
        return queryset.within_km(territory, km)

    def filter_include_obsolete(self, queryset, name, value):
        return queryset  # applied in `qs`, after every other filter


METROPOLIS_ORDERING_FIELDS = (
    ("search_name", "name"),
    ("population", "population"),
    ("commune_count", "communes"),
)
METROPOLIS_ORDERING_LABELS = {
    "search_name": _("Nom"),
    "population": _("Population"),
    "commune_count": _("Nombre de communes"),
}


class MetropolisFilterSet(django_filters.FilterSet):
    """Sorting for the /metropoles/ table; the queryset must carry `commune_count` and
    the annotations of the columns other apps register (see `territories.columns`)."""

    ordering = django_filters.OrderingFilter(
        label=_("Tri"),
        fields=METROPOLIS_ORDERING_FIELDS,
        field_labels=METROPOLIS_ORDERING_LABELS,
    )

    class Meta:
        model = Territory
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extra = metropolis_columns()
        if extra:
            ordering = django_filters.OrderingFilter(
                label=_("Tri"),
                fields=(*METROPOLIS_ORDERING_FIELDS, *((c.field, c.param) for c in extra)),
                field_labels={
                    **METROPOLIS_ORDERING_LABELS,
                    **{c.field: c.label for c in extra},
                },
            )
            ordering.model, ordering.parent = self.queryset.model, self
            self.filters["ordering"] = ordering


class MemberCommuneFilterSet(django_filters.FilterSet):
    """Sorting for the table of communes on a territory's page."""

    ordering = django_filters.OrderingFilter(
        label=_("Tri"),
        fields=(("search_name", "name"), ("population", "population")),
        field_labels={"search_name": _("Nom"), "population": _("Population")},
    )

    class Meta:
        model = Territory
        fields = []
