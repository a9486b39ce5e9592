from django.db import models
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


class TerritoryQuerySet(models.QuerySet):
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

    def with_stable_order(self):
        """Keep the current ordering and break ties by name then primary key, so that
        pages never repeat or skip a row."""
        ordering = self.query.order_by or self.model._meta.ordering
        return self.order_by(*ordering, "search_name", "pk")

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
        return self.kind == TerritoryKind.EPCI and self.category in METROPOLIS_CATEGORIES

    @property
    def reference(self) -> str:
        """The `<kind>:<code>` form used by the `contained_in` / `contains` filters."""
        return f"{self.kind}:{self.code}"


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
