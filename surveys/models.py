"""Questionnaires, campaigns, officers and responses of the survey app.

Models stay thin: constraints live in the database, writes go through `services.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territories.models import Territory

from .definition import Question, parse_definition


class Questionnaire(models.Model):
    """One version of a questionnaire, loaded from a versioned JSON file in the repository."""

    slug = models.SlugField(_("identifiant"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    title_fr = models.CharField(_("titre (français)"), max_length=300)
    title_en = models.CharField(_("titre (anglais)"), max_length=300)
    definition = models.JSONField(_("définition"))
    # sha256 of the canonical JSON: tells a reload whether the file has changed.
    checksum = models.CharField(_("empreinte"), max_length=64)
    loaded_at = models.DateTimeField(_("chargé le"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="one_questionnaire_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        """The title in the active language (French unless English is active)."""
        return self.title_en if (get_language() or "fr").startswith("en") else self.title_fr

    @property
    def questions(self) -> list[Question]:
        """The questions of the definition, in order."""
        return parse_definition(self.definition)

    @property
    def is_locked(self) -> bool:
        """Whether a campaign using this version has opened: it may no longer change."""
        if self.pk is None:
            return False
        return self.campaigns.filter(opening_date__lte=timezone.localdate()).exists()


class CampaignQuerySet(models.QuerySet):
    def open_on(self, date):
        """Campaigns accepting responses on `date` (opening and closing days included)."""
        return self.filter(opening_date__lte=date, closing_date__gte=date)

    def visible_to(self, user):
        """Staff see every campaign; officers those targeting one of their territories;
        anonymous users none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            pk__in=Campaign.targets.through.objects.filter(territory__officers__user=user).values(
                "campaign_id"
            )
        )


class Campaign(models.Model):
    """A survey run: a questionnaire version sent to target territories between two dates."""

    title = models.CharField(_("titre"), max_length=300)
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("questionnaire"),
    )
    organisers = models.TextField(_("organisateurs"), blank=True)
    opening_date = models.DateField(_("date d’ouverture"))
    closing_date = models.DateField(_("date de clôture"))
    targets = models.ManyToManyField(
        Territory,
        related_name="campaigns_targeting",
        blank=True,
        verbose_name=_("territoires interrogés"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-opening_date", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closing_date__gte=F("opening_date")),
                name="campaign_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, date) -> bool:
        """Whether the campaign accepts responses on `date`."""
        return self.opening_date <= date <= self.closing_date


class Officer(models.Model):
    """A user answering on behalf of a territory (an officer may serve several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_memberships",
        verbose_name=_("utilisateur"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("territoire"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("référent")
        verbose_name_plural = _("référents")
        ordering = ["territory__name", "user__username", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="one_officer_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.territory}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmise")
    RETURNED = "returned", _("Renvoyée pour corrections")
    VALIDATED = "validated", _("Validée")


EDITABLE_STATUSES = (ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for responses: staff see all, officers the responses of
        their territories, anonymous users none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(territory__in=Officer.objects.filter(user=user).values("territory_id"))

    def for_campaign(self, campaign):
        """Responses to `campaign`."""
        return self.filter(campaign=campaign)


class Response(models.Model):
    """A territory's answer to a campaign (one per territory and campaign)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", verbose_name=_("campagne")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="responses", verbose_name=_("territoire")
    )
    # The version answered with (a campaign's questionnaire never changes once open).
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    # Optimistic locking: a save naming an older version is refused, never merged.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dernier enregistrement par"),
    )
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transmise par"),
    )
    reviewer_notes = models.TextField(_("remarques de la relecture"), blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par"),
    )

    history = HistoricalRecords()

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["campaign", "territory__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "territory"], name="one_response_per_territory"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.territory}"

    @property
    def is_editable(self) -> bool:
        """Whether officers may still change the answers."""
        return self.status in EDITABLE_STATUSES
