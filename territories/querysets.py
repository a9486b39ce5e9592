"""Reads on territories: the chainable methods of `Territory.objects`."""

import math
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from portal.collation import french
from portal.querysets import StableOrderQuerySet

from .choices import KIND_LEVELS, METROPOLIS_CATEGORIES, TerritoryKind
from .geometry.sphere import EARTH_RADIUS_KM, bounding_box_around
from .text import normalize_search_text, search_terms

if TYPE_CHECKING:
    from .models import Territory


class TerritoryQuerySet(StableOrderQuerySet):
    def current(self):
        """Territories still present in the latest imported reference data."""
        return self.filter(is_obsolete=False)

    def of_kind(self, kind: str):
        """Territories of one kind (region, department, commune, epci, …)."""
        return self.filter(kind=kind)

    def metropolises(self):
        """The métropoles: EPCI of category METRO, plus the Métropole de Lyon (MET69)."""
        return self.filter(kind=TerritoryKind.EPCI, category__in=METROPOLIS_CATEGORIES)

    def search(self, query: str):
        """Accent- and case-insensitive search: every word must appear in the name, or the
        query is a code, SIREN or postal-code prefix."""
        terms = search_terms(query)
        if not terms:
            return self
        name_match = Q()
        for term in terms:
            name_match &= Q(search_name__contains=term)
        compact = query.strip().replace(" ", "")
        if compact.isalnum() and any(ch.isdigit() for ch in compact):
            name_match |= Q(code__startswith=compact.upper()) | Q(siren__startswith=compact)
        return self.filter(name_match)

    def ranked_by_relevance(self, query: str):
        """Order search results: exact name first, then names starting with the query,
        then everything else; the most populated first within each group."""
        normalized = normalize_search_text(query)
        return self.annotate(
            relevance=Case(
                When(search_name=normalized, then=Value(0)),
                When(search_name__startswith=normalized, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("relevance", F("population").desc(nulls_last=True), "search_name")

    def contained_in(self, container: "Territory"):
        """Territories inside `container` (transitively: a région holds its communes)."""
        return self.filter(containments_as_content__container=container)

    def containing(self, content: "Territory"):
        """Territories that hold `content` (its EPCI, EPT, département, région)."""
        return self.filter(containments_as_container__content=content)

    def in_department(self, code: str):
        """Territories inside the département with this INSEE code, or the département itself."""
        return self._inside(TerritoryKind.DEPARTMENT, code)

    def in_region(self, code: str):
        """Territories inside the région with this INSEE code, or the région itself."""
        return self._inside(TerritoryKind.REGION, code)

    def _inside(self, kind: str, code: str):
        from .models import Containment

        contents = Containment.objects.filter(container__kind=kind, container__code=code).values(
            "content_id"
        )
        return self.filter(Q(pk__in=contents) | Q(kind=kind, code=code))

    def neighbours_of(self, territory: "Territory"):
        """Territories sharing a border with `territory` (see `TerritoryAdjacency`)."""
        from .models import TerritoryAdjacency

        pairs = TerritoryAdjacency.objects
        return self.filter(
            Q(pk__in=pairs.filter(first=territory).values("second_id"))
            | Q(pk__in=pairs.filter(second=territory).values("first_id"))
        )

    def within_km(self, territory: "Territory", km: float):
        """Territories whose representative point lies within `km` kilometres (great-circle)
        of `territory`'s, itself excluded; annotates `distance_km`. Empty if `territory`
        has no contour."""
        origin = territory.geometry_or_none
        if origin is None:
            return self.none()
        west, south, east, north = bounding_box_around(origin.point_lon, origin.point_lat, km)
        return (
            self.filter(
                geometry__point_lat__range=(south, north),
                geometry__point_lon__range=(west, east),
            )
            .exclude(pk=territory.pk)
            .alias(distance_km=_haversine_km(origin.point_lon, origin.point_lat))
            .filter(distance_km__lte=km)
        )

    def with_commune_count(self):
        """Annotate `commune_count`: the number of current communes each territory contains."""
        return self.annotate(
            commune_count=Count(
                "containments_as_container",
                filter=Q(
                    containments_as_container__content__kind=TerritoryKind.COMMUNE,
                    containments_as_container__content__is_obsolete=False,
                ),
                distinct=True,
            )
        )

    def with_departments(self):
        """Prefetch `departments`: the départements each territory lies in, by code."""
        from .models import Territory

        departments = Territory.objects.of_kind(TerritoryKind.DEPARTMENT).order_by("code")
        return self.prefetch_related(
            Prefetch("containers", queryset=departments, to_attr="departments")
        )

    def ordered_by_level(self):
        """Order from the widest level to the narrowest: région, département, EPCI, EPT,
        grouping, commune; by name within a level."""
        level = Case(
            *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_LEVELS)),
            default=Value(len(KIND_LEVELS)),
            output_field=IntegerField(),
        )
        return self.alias(level=level).order_by("level", "search_name", "code")

    def by_references(self, references) -> dict[str, "Territory"]:
        """The territories that `references` (`kind:code` strings, as typed or stored) name,
        in one query, keyed by the reference as given; those naming nothing are left out."""
        from .references import TerritoryReference

        parsed = {value: TerritoryReference.parse(value) for value in set(references)}
        wanted = {reference for reference in parsed.values() if reference is not None}
        if not wanted:
            return {}
        condition = Q()
        for kind in {reference.kind for reference in wanted}:
            codes = [reference.code for reference in wanted if reference.kind == kind]
            condition |= Q(kind=kind, code__in=codes)
        found = {territory.reference: territory for territory in self.filter(condition)}
        return {
            value: found[str(reference)]
            for value, reference in parsed.items()
            if reference is not None and str(reference) in found
        }

    def tie_breakers(self) -> tuple:
        """Ties broken by name (its normalised form, then French collation for accents and
        case), then primary key."""
        return ("search_name", french("name"), "pk")

    def kind_counts(self):
        """One row per kind: `{"kind": …, "count": …}`, from the widest level down."""
        return (
            self.ordered_by_level()
            .values("kind")
            .annotate(count=Count("pk"))
            .order_by("level", "kind")
        )

    def key_figures(self) -> dict[str, int]:
        """Count métropoles, EPCI, communes and départements in one query."""
        return self.aggregate(
            metropolises=Count(
                "pk", filter=Q(kind=TerritoryKind.EPCI, category__in=METROPOLIS_CATEGORIES)
            ),
            epci=Count("pk", filter=Q(kind=TerritoryKind.EPCI)),
            communes=Count("pk", filter=Q(kind=TerritoryKind.COMMUNE)),
            departments=Count("pk", filter=Q(kind=TerritoryKind.DEPARTMENT)),
        )


def _haversine_km(lon: float, lat: float):
    """SQL expression: great-circle distance in km from (lon, lat) to each territory's
    representative point (the same formula as `geometry.sphere.haversine_km`)."""
    lat2, lon2 = Radians(F("geometry__point_lat")), Radians(F("geometry__point_lon"))
    lat1, lon1 = Value(math.radians(lat)), Value(math.radians(lon))
    half_chord = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
        Sin((lon2 - lon1) / 2), 2
    )
    return ExpressionWrapper(
        2 * EARTH_RADIUS_KM * ASin(Sqrt(half_chord)), output_field=FloatField()
    )
