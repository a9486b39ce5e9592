from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.querysets import StableOrderQuerySet
from territories.models import Territory
from territories.text import search_terms

from .dates import DatePrecision, display_partial_date, format_partial_date


class ThemeQuerySet(models.QuerySet):
    def with_cooperation_count(self, cooperations):
        """Annotate `cooperation_count`: how many of `cooperations` (a queryset) have each theme."""
        return self.annotate(
            cooperation_count=Count(
                "cooperations", filter=Q(cooperations__in=cooperations.values("pk")), distinct=True
            )
        )


class Theme(models.Model):
    """A cooperation theme, labelled in French and English."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=120)
    label_en = models.CharField(_("libellé (anglais)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (French unless English is active)."""
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr


class Instrument(models.TextChoices):
    RECIPROCITY_CONTRACT = "reciprocity_contract", _("Contrat de réciprocité")
    COOPERATION_AGREEMENT = "cooperation_agreement", _("Protocole ou convention de coopération")
    FRAMEWORK_AGREEMENT = "framework_agreement", _("Accord-cadre")
    CHARTER = "charter", _("Charte")
    INTERCOMMUNAL_ENTENTE = "intercommunal_entente", _("Entente intercommunale")
    SERVICE_AGREEMENT = "service_agreement", _("Convention de prestations de services")
    METROPOLITAN_POLE = "metropolitan_pole", _("Pôle métropolitain")
    PETR = "petr", _("Pôle d’équilibre territorial et rural (PETR)")
    JOINT_AUTHORITY = "joint_authority", _("Syndicat mixte")
    GIP = "gip", _("Groupement d’intérêt public (GIP)")
    ASSOCIATION_NETWORK = "association_network", _("Association ou réseau de villes")
    INFORMAL = "informal", _("Coopération informelle")
    OTHER = "other", _("Autre")


class CooperationStatus(models.TextChoices):
    PLANNED = "planned", _("En projet")
    ACTIVE = "active", _("En cours")
    ENDED = "ended", _("Terminée")


class Origin(models.TextChoices):
    MANUAL = "manual", _("Saisie par l’équipe")
    IMPORT = "import", _("Import")
    SURVEY = "survey", _("Réponse au recensement")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Chef de file")
    PARTNER = "partner", _("Partenaire")
    ASSOCIATE = "associate", _("Associé")


class PartnerRelation(models.TextChoices):
    """Where a partner lies relative to the cooperation's reference métropole (computed)."""

    REFERENCE = "reference", _("Métropole de référence")
    MEMBER = "member", _("Dans la métropole")
    CONTIGUOUS = "contiguous", _("Contigu à la métropole")
    SAME_DEPARTMENT = "same_department", _("Même département")
    SAME_REGION = "same_region", _("Même région")
    OTHER_REGION = "other_region", _("Autre région")
    FOREIGN = "foreign", _("Étranger")
    UNKNOWN = "unknown", _("Non déterminée")


class CooperationQuerySet(StableOrderQuerySet):
    def published(self):
        """Records visible to the public."""
        return self.filter(is_published=True)

    def visible_to(self, user):
        """The one scoping rule for pages, API and exports: staff see every record,
        everybody else only published ones."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def involving(self, territory: Territory):
        """Cooperations in which `territory` is a partner (in any role)."""
        return self.filter(
            pk__in=Partnership.objects.filter(territory=territory).values("cooperation_id")
        )

    def for_metropolis(self, territory: Territory):
        """Cooperations whose reference métropole is `territory`."""
        return self.filter(metropolis=territory)

    def search(self, query: str):
        """Accent- and case-insensitive search in title, summary, description and partner
        names: every word of the query must appear."""
        condition = Q()
        for term in search_terms(query):
            condition &= Q(search_text__contains=term)
        return self.filter(condition)

    def with_partner_count(self):
        """Annotate `partner_count`, as a correlated subquery on the partnerships' index
        rather than a join and a GROUP BY: the row count is untouched (a paginator's COUNT
        leaves it out), and no other join (e.g. themes) can inflate it. Annotating twice
        (a filter on the count, then a sort by it) keeps the first."""
        if "partner_count" in self.query.annotations:
            return self
        partners = (
            Partnership.objects.filter(cooperation=OuterRef("pk"))
            .order_by()
            .values("cooperation")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            partner_count=Coalesce(Subquery(partners, output_field=models.IntegerField()), 0)
        )

    def with_related(self):
        """Everything a list, a detail or an export shows, in a fixed number of queries."""
        return self.select_related("metropolis").prefetch_related(
            "themes",
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("territory").order_by("position", "id"),
            ),
            "sources",
        )

    def instrument_counts(self) -> dict[str, int]:
        """Number of records per instrument code, in one query (absent codes: no key)."""
        rows = self.order_by().values_list("instrument").annotate(count=Count("pk"))
        return dict(rows)

    def ordered_by_start(self):
        """Most recent first; undated records last."""
        return self.order_by(F("start_date").desc(nulls_last=True), "title", "id")

    def tie_breakers(self) -> tuple:
        return ("title", "pk")

    def with_role_of(self, territory: Territory):
        """Annotate `territory_role` and `territory_relation`, those of `territory` as a partner."""
        partnership = Partnership.objects.filter(cooperation=OuterRef("pk"), territory=territory)
        return self.annotate(
            territory_role=Subquery(partnership.values("role")[:1]),
            territory_relation=Subquery(partnership.values("relation")[:1]),
        )


class Cooperation(models.Model):
    """A cooperation between a métropole and surrounding territories."""

    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    summary = models.TextField(_("résumé"), blank=True)
    description = models.TextField(_("description"), blank=True)
    instrument = models.CharField(_("forme"), max_length=32, choices=Instrument.choices)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes"), related_name="cooperations", blank=True
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=CooperationStatus.choices,
        default=CooperationStatus.ACTIVE,
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    start_precision = models.CharField(
        _("précision du début"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    end_date = models.DateField(_("fin"), null=True, blank=True)
    end_precision = models.CharField(
        _("précision de la fin"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    governance = models.TextField(_("gouvernance"), blank=True)
    engineering = models.TextField(_("ingénierie dédiée"), blank=True)
    funding = models.TextField(_("financement"), blank=True)
    outcomes = models.TextField(_("réalisations"), blank=True)
    difficulties = models.TextField(_("difficultés"), blank=True)
    uncertainty_notes = models.TextField(
        _("points incertains"),
        blank=True,
        help_text=_("Faits incertains ou contradictoires entre les sources."),
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    origin = models.CharField(
        _("origine"), max_length=16, choices=Origin.choices, default=Origin.MANUAL
    )
    origin_label = models.CharField(_("libellé de l’origine"), max_length=300, blank=True)
    origin_url = models.URLField(_("lien vers l’origine"), max_length=500, blank=True)
    metropolis = models.ForeignKey(
        Territory,
        verbose_name=_("métropole de référence"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="cooperations_as_metropolis",
        help_text=_(
            "Le chef de file s’il est une métropole, sinon la première métropole partenaire."
        ),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])
    objects = CooperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("coopération")
        verbose_name_plural = _("coopérations")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_date__isnull=True) & Q(start_precision=""))
                | (Q(start_date__isnull=False) & Q(start_precision__in=DatePrecision.values)),
                name="cooperation_start_precision_matches_date",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_precision=""))
                | (Q(end_date__isnull=False) & Q(end_precision__in=DatePrecision.values)),
                name="cooperation_end_precision_matches_date",
            ),
            # Compared at the end's precision (see `dates.ends_before_start`): a record
            # started on 12 May 2019 may end "in May 2019" (stored as 1 May) or "in 2019".
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date"))
                | Q(
                    end_precision=DatePrecision.YEAR,
                    end_date__year=F("start_date__year"),
                )
                | Q(
                    end_precision=DatePrecision.MONTH,
                    end_date__year=F("start_date__year"),
                    end_date__month=F("start_date__month"),
                ),
                name="cooperation_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "start_date"], name="cooperation_pub_start"),
            models.Index(fields=["updated_at"], name="cooperation_updated"),
            # The orders of the list (most recent first with undated records last; by title
            # in French collation) are written by migrations 0005 and 0007 for each
            # database: their SQL differs (NULLS LAST, the collation's name).
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:detail", kwargs={"slug": self.slug})

    @property
    def start(self) -> str:
        """ISO form at its precision ("2016", "2016-11", "2016-11-04")."""
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def end(self) -> str:
        return format_partial_date(self.end_date, self.end_precision)

    @property
    def start_display(self) -> str:
        return display_partial_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return display_partial_date(self.end_date, self.end_precision)


class Partnership(models.Model):
    """A territory taking part in a cooperation, with its role and its computed relation
    to the cooperation's reference métropole."""

    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="partnerships"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.CharField(
        _("rôle"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    relation = models.CharField(
        _("relation à la métropole"),
        max_length=20,
        choices=PartnerRelation.choices,
        default=PartnerRelation.UNKNOWN,
        editable=False,
    )
    # Computed from the contours (`import_geometry`): empty without them, never guessed.
    is_contiguous = models.BooleanField(_("contigu à la métropole"), null=True, editable=False)
    distance_km = models.DecimalField(
        _("distance à la métropole (km)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        editable=False,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "territory"], name="partnership_unique_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory} ({self.get_role_display()})"


class Source(models.Model):
    """A citation supporting a cooperation record."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=300)
    publisher = models.CharField(_("éditeur"), max_length=200, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    published_precision = models.CharField(
        _("précision de la date"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    url = models.URLField(_("adresse"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(published_on__isnull=True) & Q(published_precision=""))
                | (Q(published_on__isnull=False) & Q(published_precision__in=DatePrecision.values)),
                name="source_precision_matches_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def date(self) -> str:
        return format_partial_date(self.published_on, self.published_precision)

    @property
    def date_display(self) -> str:
        return display_partial_date(self.published_on, self.published_precision)
