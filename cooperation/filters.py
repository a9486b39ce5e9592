"""The one FilterSet behind /cooperations/, its exports and /api/v1/cooperations/."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from territories.models import Territory, TerritoryCategory, TerritoryKind

from .models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    Partnership,
    Theme,
)


def _partner_subquery(**conditions):
    return Partnership.objects.filter(**conditions).values("cooperation_id")


class CooperationOrderingFilter(django_filters.OrderingFilter):
    """Sort keys with undated (null) values always last, whatever the direction; ties
    broken by title then id so that pages never repeat or skip a record."""

    def filter(self, qs, value):
        if not value:
            return qs
        keys = []
        for param in value:
            field = F(self.param_map[param.lstrip("-")])
            keys.append(
                field.desc(nulls_last=True) if param.startswith("-") else field.asc(nulls_last=True)
            )
        return qs.order_by(*keys, "title", "id")


class CooperationFilterSet(django_filters.FilterSet):
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

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Annotated before any filter runs, so that `ordering=partners` can sort on it.
        self.queryset = self.queryset.with_partner_count()

    @property
    def qs(self):
        queryset = super().qs
        ordering = (self.form.cleaned_data or {}).get("ordering") if self.is_bound else None
        return queryset if ordering else queryset.ordered_by_start()

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

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        partners = Partnership.objects.filter(
            Q(territory__in=value) | Q(territory__containments_as_content__container__in=value)
        ).values("cooperation_id")
        return queryset.filter(pk__in=partners)
