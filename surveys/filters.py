"""The one FilterSet for responses: behind /api/v1/responses/, the reviewers' queue page and
the reviewers' exports. Every filter is a query parameter, so a filtered queue is a
shareable URL and its export buttons reuse the same query string."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.ordering import NullsLastOrderingFilter
from territories.models import Territory
from territories.references import TerritoryReference

from .models import Campaign, Response, ResponseStatus


class InstantField(forms.DateTimeField):
    """A date-time, converted to UTC: every database can then store it. PostgreSQL refuses
    offsets beyond ±15:59, which Python accepts; an instant that UTC cannot represent
    (before year 1, after year 9999) is invalid."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class InstantFilter(django_filters.DateTimeFilter):
    field_class = InstantField


class ResponseOrderingFilter(NullsLastOrderingFilter):
    """Empty (null) dates last, whatever the direction; ties broken by id."""


class ResponseFilterSet(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campagne"),
        queryset=Campaign.objects.all(),
        empty_label=_("Toutes les campagnes"),
        help_text=_("Identifiant de la campagne."),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=ResponseStatus.choices,
        help_text=_(
            "draft (brouillon), submitted (transmise), returned (renvoyée pour corrections) "
            "ou validated (validée) ; répétable (l’un ou l’autre)."
        ),
    )
    territory = django_filters.CharFilter(
        label=_("Territoire"),
        method="filter_territory",
        help_text=_(
            "Nom du territoire (sans tenir compte des accents ni de la casse), début de son "
            "code ou de son SIREN, ou référence exacte <type>:<code>, par exemple "
            "epci:242900314."
        ),
    )
    updated_since = InstantFilter(
        label=_("Modifiée depuis"),
        field_name="updated_at",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Réponses modifiées à partir de cette date (AAAA-MM-JJ, à minuit heure de Paris) "
            "ou de cet instant (AAAA-MM-JJTHH:MM:SS, avec ou sans décalage horaire)."
        ),
    )
    ordering = ResponseOrderingFilter(
        label=_("Tri"),
        fields=(
            ("territory__search_name", "territory"),
            ("status", "status"),
            ("updated_at", "updated"),
            ("submitted_at", "submitted"),
        ),
        field_labels={
            "territory__search_name": _("Territoire"),
            "status": _("Statut"),
            "updated_at": _("Dernière modification"),
            "submitted_at": _("Date de transmission"),
        },
        help_text=_(
            "territory, status, updated ou submitted ; préfixe « - » pour l’ordre décroissant. "
            "Par défaut : par campagne, puis par nom de territoire."
        ),
    )

    class Meta:
        model = Response
        fields = []

    def filter_territory(self, queryset, name, value: str):
        reference = TerritoryReference.parse(value)
        if reference is not None:
            return queryset.filter(territory__kind=reference.kind, territory__code=reference.code)
        return queryset.filter(territory__in=Territory.objects.search(value).values("pk"))
