import math

from django.db import models
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
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.collation import french
from portal.querysets import StableOrderQuerySet

from .geometry.sphere import EARTH_RADIUS_KM, bounding_box_around
from .text import normalize_search_text, search_terms


class TerritoryKind(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI à fiscalité propre")
    EPT = "ept", _("Établissement public territorial")
    GROUPING = "grouping", _("Groupement")
    FOREIGN = "foreign", _("Collectivité étrangère")


class TerritoryCategory(models.TextChoices):
    # EPCI à fiscalité propre (DGCL "nature juridique")
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d’agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon (statut particulier)")
    # Groupings that are not in the official files; created by staff.
    PETR = "PETR", _("Pôle d’équilibre territorial et rural (PETR)")
    POLE_METROPOLITAIN = "POLE_METROPOLITAIN", _("Pôle métropolitain")
    PNR = "PNR", _("Parc naturel régional")
    SYNDICAT_MIXTE = "SYNDICAT_MIXTE", _("Syndicat mixte")
    PAYS = "PAYS", _("Pays")
    ASSOCIATION = "ASSOCIATION", _("Association")
    OTHER = "OTHER", _("Autre")


METROPOLIS_CATEGORIES = (TerritoryCategory.METRO, TerritoryCategory.MET69)


def is_metropolis(kind: str, category: str) -> bool:
    """Métropoles are the EPCI of category METRO or MET69."""
    return kind == TerritoryKind.EPCI and category in METROPOLIS_CATEGORIES


# From the widest level to the narrowest, for listing what contains a territory.
KIND_LEVELS = (
    TerritoryKind.REGION,
    TerritoryKind.DEPARTMENT,
    TerritoryKind.EPCI,
    TerritoryKind.EPT,
    TerritoryKind.GROUPING,
    TerritoryKind.COMMUNE,
    TerritoryKind.FOREIGN,
)


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
        contents = Containment.objects.filter(container__kind=kind, container__code=code).values(
            "content_id"
        )
        return self.filter(Q(pk__in=contents) | Q(kind=kind, code=code))

    def neighbours_of(self, territory: "Territory"):
        """Territories sharing a border with `territory` (see `TerritoryAdjacency`)."""
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


class Territory(models.Model):
    """One row per territory at every level, from région to commune, plus groupings."""

    kind = models.CharField(_("type"), max_length=16, choices=TerritoryKind.choices)
    category = models.CharField(
        _("catégorie"), max_length=24, choices=TerritoryCategory.choices, blank=True
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Code INSEE (région, département, commune) ou SIREN (EPCI, EPT, groupement)."),
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    population = models.PositiveIntegerField(
        _("population municipale"),
        null=True,
        blank=True,
        help_text=_(
            "Population municipale ; le millésime dépend du niveau (voir la documentation)."
        ),
    )
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)
    is_obsolete = models.BooleanField(
        _("obsolète"),
        default=False,
        help_text=_(
            "Absent de la dernière version importée du référentiel ; conservé pour l’historique."
        ),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    vintage = models.CharField(_("millésime"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    containers = models.ManyToManyField(
        "self",
        through="Containment",
        through_fields=("content", "container"),
        symmetrical=False,
        related_name="contents",
        verbose_name=_("contenu dans"),
    )

    # Who changed a territory by hand (groupings in the admin) or by a command that may run
    # again; the bulk import of the official files writes no history rows.
    history = HistoricalRecords(excluded_fields=["search_name"])
    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["search_name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_kind_code"),
            models.CheckConstraint(condition=~Q(code=""), name="territory_code_not_empty"),
        ]
        indexes = [
            models.Index(fields=["kind", "category"], name="territory_kind_category"),
            models.Index(fields=["siren"], name="territory_siren"),
            models.Index(fields=["population"], name="territory_population"),
            # The default order of the lists and the API.
            models.Index(fields=["search_name", "code"], name="territory_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived column kept in step with `name`; it is not business logic.
        self.search_name = normalize_search_text(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", kwargs={"kind": self.kind, "code": self.code})

    @property
    def is_metropolis(self) -> bool:
        return is_metropolis(self.kind, self.category)

    @property
    def reference(self) -> str:
        """The `<kind>:<code>` form used by the `contained_in` / `contains` filters."""
        return f"{self.kind}:{self.code}"

    @property
    def geometry_or_none(self) -> "TerritoryGeometry | None":
        """The contour and its measures, or None when none is loaded."""
        try:
            return self.geometry
        except TerritoryGeometry.DoesNotExist:
            return None


class Containment(models.Model):
    """`content` lies inside `container`. Stored transitively: a commune has one row for
    its EPCI, its EPT (if any), its département and its région."""

    container = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="containments_as_container"
    )
    content = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="containments_as_content"
    )

    class Meta:
        verbose_name = _("inclusion")
        verbose_name_plural = _("inclusions")
        constraints = [
            models.UniqueConstraint(
                fields=["container", "content"], name="containment_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(container=models.F("content")), name="containment_not_self"
            ),
        ]
        indexes = [models.Index(fields=["content", "container"], name="containment_reverse")]

    def __str__(self) -> str:
        return f"{self.content} ⊂ {self.container}"


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


class TerritoryGeometry(models.Model):
    """A territory's contour (GeoJSON, WGS84 longitude/latitude) at three levels of detail,
    and measures taken on the full-resolution contour. Written by `geometry_import`:
    communes from IGN ADMIN EXPRESS, every other level as the union of its communes."""

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, primary_key=True, related_name="geometry"
    )
    outline_low = models.TextField(
        _("contour simplifié (échelle de la France)"),
        help_text=_("Géométrie GeoJSON simplifiée à environ 1 km."),
    )
    outline_medium = models.TextField(
        _("contour intermédiaire (échelle d’un département)"),
        help_text=_("Géométrie GeoJSON simplifiée à environ 200 m."),
    )
    outline_high = models.TextField(
        _("contour détaillé (échelle du territoire)"),
        help_text=_("Géométrie GeoJSON de la source, coordonnées arrondies à 1 m."),
    )
    point_lon = models.FloatField(_("point représentatif (longitude)"))
    point_lat = models.FloatField(_("point représentatif (latitude)"))
    centroid_lon = models.FloatField(_("centroïde (longitude)"))
    centroid_lat = models.FloatField(_("centroïde (latitude)"))
    west = models.FloatField(_("ouest"))
    south = models.FloatField(_("sud"))
    east = models.FloatField(_("est"))
    north = models.FloatField(_("nord"))
    area_km2 = models.FloatField(_("superficie (km²)"))
    missing_communes = models.PositiveIntegerField(
        _("communes sans contour"),
        default=0,
        help_text=_("Communes du territoire absentes de la source : le contour est alors partiel."),
    )
    source = models.CharField(_("source"), max_length=100)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("contour")
        verbose_name_plural = _("contours")
        indexes = [models.Index(fields=["point_lat", "point_lon"], name="geometry_point")]

    def __str__(self) -> str:
        return str(self.territory_id)

    @property
    def representative_point(self) -> tuple[float, float]:
        """(longitude, latitude) of a point inside the contour: distances start here."""
        return (self.point_lon, self.point_lat)

    @property
    def centroid(self) -> tuple[float, float]:
        return (self.centroid_lon, self.centroid_lat)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north), in degrees."""
        return (self.west, self.south, self.east, self.north)


class TerritoryAdjacency(models.Model):
    """Two territories sharing a border (touching at a single point counts), stored once in
    canonical order (`first_id < second_id`); read both ways with
    `Territory.objects.neighbours_of()`. Pairs of the same kind (commune, EPCI, EPT,
    département, région) and EPCI-grouping pairs, written by `geometry_import`."""

    first = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="adjacencies_as_first"
    )
    second = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="adjacencies_as_second"
    )

    class Meta:
        verbose_name = _("contiguïté")
        verbose_name_plural = _("contiguïtés")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="adjacency_unique_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="adjacency_canonical_order"
            ),
        ]
        indexes = [models.Index(fields=["second", "first"], name="adjacency_reverse")]

    def __str__(self) -> str:
        return f"{self.first} \N{EN DASH} {self.second}"
