from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import KIND_LEVELS as KIND_LEVELS
from .choices import METROPOLIS_CATEGORIES as METROPOLIS_CATEGORIES
from .choices import TerritoryCategory, TerritoryKind, is_metropolis
from .querysets import TerritoryQuerySet
from .text import normalize_search_text


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
