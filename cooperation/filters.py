"""The one FilterSet behind /cooperations/, its exports and /api/v1/cooperations/."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.collation import french
from portal.filtersets import FilterSetWithDefaults
from portal.ordering import NullsLastOrderingFilter, sort_keys
from territories.models import Territory, TerritoryCategory, TerritoryKind

from .difficulties import DifficultyType, difficulty_condition
from .models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    Partnership,
    Theme,
)


def _partner_subquery(*conditions, **lookups):
    return Partnership.objects.filter(*conditions, **lookups).values("cooperation_id")


class DistanceBand(models.TextChoices):
    """Bands of a partner's distance to the reference métropole (lower bound included)."""

    UNDER_25 = "under-25", _("Moins de 25 km")
    FROM_25_TO_50 = "25-50", _("De 25 à 50 km")
    FROM_50_TO_100 = "50-100", _("De 50 à 100 km")
    FROM_100_TO_200 = "100-200", _("De 100 à 200 km")
    OVER_200 = "over-200", _("200 km et plus")


DISTANCE_BOUNDS = {
    DistanceBand.UNDER_25: (None, 25),
    DistanceBand.FROM_25_TO_50: (25, 50),
    DistanceBand.FROM_50_TO_100: (50, 100),
    DistanceBand.FROM_100_TO_200: (100, 200),
    DistanceBand.OVER_200: (200, None),
}


def distance_condition(band: str, prefix: str = "") -> Q:
    """Partners whose distance to the métropole lies in `band` (`prefix`: the lookup path
    from the queried model to Partnership, e.g. "partnerships__")."""
    low, high = DISTANCE_BOUNDS[band]
    condition = Q(**{f"{prefix}distance_km__isnull": False})
    if low is not None:
        condition &= Q(**{f"{prefix}distance_km__gte": low})
    if high is not None:
        condition &= Q(**{f"{prefix}distance_km__lt": high})
    return condition


class CooperationOrderingFilter(NullsLastOrderingFilter):
    """Undated records last whatever the direction; titles in French order; ties broken by
    title then id."""

    collated_fields = ("title",)

    def prepare(self, qs, names):
        if "partner_count" in names:
            # Counted only when sorting by it: never in the paginator's count or the facets.
            qs = qs.with_partner_count()
        return qs

    def tie_breakers(self):
        return (french("title"), "id")


class StrictBooleanField(forms.NullBooleanField):
    """true / false (or 1 / 0), empty for no filter; anything else is an error rather
    than silently no filter, as a NullBooleanField would have it."""

    widget = forms.TextInput
    TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in self.TRUE or value is True:
            return True
        if value in self.FALSE or value is False:
            return False
        raise ValidationError(_("Valeur attendue : true ou false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CooperationFilterSet(FilterSetWithDefaults):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_q",
        help_text=_(
            "Mots cherchés dans le titre, le résumé, la description et le nom des partenaires "
            "(sans tenir compte des accents ni de la casse)."
        ),
    )
    metropolis = django_filters.ModelMultipleChoiceFilter(
        label=_("Métropole"),
        queryset=Territory.objects.metropolises(),
        to_field_name="code",
        method="filter_metropolis",
        help_text=_("SIREN d’une métropole partenaire ; répétable (l’une ou l’autre)."),
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Thème"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        # The predicate is built from `to_field_name` (the code), so filter on the code.
        field_name="themes__code",
        distinct=True,
        help_text=_("Code d’un thème ; répétable (l’un ou l’autre)."),
    )
    instrument = django_filters.MultipleChoiceFilter(
        label=_("Forme"),
        choices=Instrument.choices,
        help_text=_("Forme de la coopération ; répétable."),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=CooperationStatus.choices, help_text=_("Statut ; répétable.")
    )
    partner_kind = django_filters.MultipleChoiceFilter(
        label=_("Type de partenaire"),
        choices=TerritoryKind.choices,
        method="filter_partner_kind",
        help_text=_("Au moins un partenaire de ce type ; répétable."),
    )
    partner_category = django_filters.MultipleChoiceFilter(
        label=_("Catégorie de partenaire"),
        choices=TerritoryCategory.choices,
        method="filter_partner_category",
        help_text=_("Au moins un partenaire de cette catégorie ; répétable."),
    )
    relation = django_filters.MultipleChoiceFilter(
        label=_("Relation à la métropole"),
        choices=PartnerRelation.choices,
        method="filter_relation",
        help_text=_("Au moins un partenaire dans cette relation à la métropole ; répétable."),
    )
    distance = django_filters.MultipleChoiceFilter(
        label=_("Distance à la métropole"),
        choices=DistanceBand.choices,
        method="filter_distance",
        help_text=_(
            "Au moins un partenaire (hors la métropole de référence) à cette distance de la "
            "métropole, entre leurs points représentatifs ; répétable."
        ),
    )
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Région"),
        queryset=Territory.objects.of_kind(TerritoryKind.REGION),
        to_field_name="code",
        method="filter_region",
        help_text=_("Code INSEE d’une région où se trouve au moins un partenaire ; répétable."),
    )
    start_year_min = django_filters.NumberFilter(
        label=_("Début à partir de"),
        field_name="start_date__year",
        lookup_expr="gte",
        min_value=1900,
        max_value=2100,
        help_text=_("Année de début minimale."),
    )
    start_year_max = django_filters.NumberFilter(
        label=_("Début jusqu’en"),
        field_name="start_date__year",
        lookup_expr="lte",
        min_value=1900,
        max_value=2100,
        help_text=_("Année de début maximale."),
    )
    ordering = CooperationOrderingFilter(
        label=_("Tri"),
        fields=(
            ("start_date", "start"),
            ("title", "title"),
            ("partner_count", "partners"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "start_date": _("Date de début"),
            "title": _("Titre"),
            "partner_count": _("Nombre de partenaires"),
            "updated_at": _("Dernière mise à jour"),
        },
        help_text=_("start, title, partners ou updated ; préfixe « - » pour l’ordre décroissant."),
    )

    class Meta:
        model = Cooperation
        fields = []

    @classmethod
    def apply_defaults(cls, queryset, cleaned_data):
        """Without a sort key, the registry's default order (`ordered_by_start()`)."""
        if sort_keys(cleaned_data.get("ordering")):
            return queryset
        return queryset.ordered_by_start()

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_metropolis(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=_partner_subquery(territory__in=value))

    def filter_partner_kind(self, queryset, name, value):
        return (
            queryset.filter(pk__in=_partner_subquery(territory__kind__in=value))
            if value
            else (queryset)
        )

    def filter_partner_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=_partner_subquery(territory__category__in=value))

    def filter_relation(self, queryset, name, value):
        return queryset.filter(pk__in=_partner_subquery(relation__in=value)) if value else queryset

    def filter_distance(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for band in value:
            condition |= distance_condition(band)
        return queryset.filter(pk__in=_partner_subquery(condition))

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        partners = Partnership.objects.filter(
            Q(territory__in=value) | Q(territory__containments_as_content__container__in=value)
        ).values("cooperation_id")
        return queryset.filter(pk__in=partners)

    # Filters behind the statistics (cooperation.statistics): each figure links to the
    # list with them, so that the list's count equals the figure.
    has_start_date = StrictBooleanFilter(
        label=_("Date de début connue"),
        field_name="start_date",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("true : fiches dont la date de début est connue ; false : fiches sans date."),
    )
    has_engineering = StrictBooleanFilter(
        label=_("Ingénierie dédiée renseignée"),
        method="filter_has_text",
        help_text=_("true : fiches qui décrivent une ingénierie dédiée ; false : les autres."),
    )
    has_funding = StrictBooleanFilter(
        label=_("Financement renseigné"),
        method="filter_has_text",
        help_text=_("true : fiches qui décrivent un financement ; false : les autres."),
    )
    has_difficulties = StrictBooleanFilter(
        label=_("Difficultés renseignées"),
        method="filter_has_text",
        help_text=_("true : fiches qui déclarent des difficultés ; false : les autres."),
    )
    difficulty = django_filters.MultipleChoiceFilter(
        label=_("Type de difficultés"),
        choices=DifficultyType.choices,
        method="filter_difficulty",
        help_text=_(
            "Fiches dont les difficultés déclarées mentionnent ce type (mots-clés du texte, "
            "sans tenir compte des accents ni de la casse) ; other : difficultés déclarées "
            "d’aucun de ces types ; répétable (l’un ou l’autre)."
        ),
    )
    partners_min = django_filters.NumberFilter(
        label=_("Partenaires, au moins"),
        field_name="partner_count",
        lookup_expr="gte",
        method="filter_partners_min",
        min_value=0,
        max_value=100000,
        help_text=_("Nombre minimal de partenaires (la métropole de référence comprise)."),
    )
    partners_max = django_filters.NumberFilter(
        label=_("Partenaires, au plus"),
        field_name="partner_count",
        lookup_expr="lte",
        method="filter_partners_max",
        min_value=0,
        max_value=100000,
        help_text=_("Nombre maximal de partenaires (la métropole de référence comprise)."),
    )

    def filter_has_text(self, queryset, name, value):
        """`has_<field>`: the text field is filled (true) or empty (false)."""
        if value is None:
            return queryset
        empty = Q(**{name.removeprefix("has_"): ""})
        return queryset.exclude(empty) if value else queryset.filter(empty)

    def filter_difficulty(self, queryset, name, value):
        """By the keyword rule of `cooperation.difficulties`."""
        if not value:
            return queryset
        condition = Q()
        for kind in value:
            condition |= difficulty_condition(kind)
        return queryset.filter(condition)

    def filter_partners_min(self, queryset, name, value):
        # The partner count is computed only where a filter or the sort needs it.
        return queryset.with_partner_count().filter(partner_count__gte=value)

    def filter_partners_max(self, queryset, name, value):
        return queryset.with_partner_count().filter(partner_count__lte=value)
