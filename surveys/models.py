"""Questionnaires, campaigns, officers and responses of the survey app.

Models stay thin: constraints live in the database. Responses, invitations, promotions and
reminders are written by the `surveys.services` package only (pages, API, admin and
commands call it); questionnaires, campaigns and officers are plain admin forms.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territories.models import Territory

from .choices import EDITABLE_STATUSES, ResponseStatus
from .definition import Question, parse_definition
from .querysets import CampaignQuerySet, InvitationQuerySet, PromotionQuerySet, ResponseQuerySet


def _acting_user(verbose_name):
    """Who did something to a row (saved, submitted, invited…): kept as null when the
    account is deleted, with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


# Questionnaire.questions, by (pk, checksum): a handful of versions per process.
_PARSED_DEFINITIONS: dict[tuple[int, str], tuple[Question, ...]] = {}
_PARSED_DEFINITIONS_MAX = 32


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
        """The questions of the definition, in order.

        Parsed once per process for each saved version: a definition only changes through
        `questionnaire_load`, which rewrites its checksum with it, so (pk, checksum) names
        one parsed definition. The definition itself is not read on a hit (querysets may
        defer it). Each call returns a new list of the shared, frozen questions."""
        if self.pk is None or not self.checksum:
            return parse_definition(self.definition)
        key = (self.pk, self.checksum)
        parsed = _PARSED_DEFINITIONS.get(key)
        if parsed is None:
            parsed = tuple(parse_definition(self.definition))
            if len(_PARSED_DEFINITIONS) >= _PARSED_DEFINITIONS_MAX:
                _PARSED_DEFINITIONS.clear()
            _PARSED_DEFINITIONS[key] = parsed
        return list(parsed)

    @property
    def is_locked(self) -> bool:
        """Whether a campaign using this version has opened: it may no longer change."""
        if self.pk is None:
            return False
        return self.campaigns.filter(opening_date__lte=timezone.localdate()).exists()


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

    def asks(self, territory: Territory) -> bool:
        """Whether `territory` is one of the campaign's targets."""
        return self.targets.filter(pk=territory.pk).exists()

    def answer_url(self, territory: Territory) -> str:
        """The officers' answer page of `territory` for this campaign."""
        return reverse(
            "surveys:answer",
            kwargs={"campaign_id": self.pk, "kind": territory.kind, "code": territory.code},
        )


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
    last_saved_by = _acting_user(_("dernier enregistrement par"))
    # When the answers were last saved (`last_saved_by` saved them): a reviewer's
    # decision changes `updated_at`, never these.
    saved_at = models.DateTimeField(_("dernier enregistrement le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    submitted_by = _acting_user(_("transmise par"))
    reviewer_notes = models.TextField(_("remarques de la relecture"), blank=True)
    returned_at = models.DateTimeField(_("renvoyée le"), null=True, blank=True)
    returned_by = _acting_user(_("renvoyée par"))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = _acting_user(_("validée par"))

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
    def receipt_reference(self) -> str:
        """The reference of the last submission, quoted on the receipt and the printable
        page: campaign, response and local submission time, "3-12-20261202-162805"
        ("" before any submission)."""
        if self.submitted_at is None:
            return ""
        stamp = timezone.localtime(self.submitted_at).strftime("%Y%m%d-%H%M%S")
        return f"{self.campaign_id}-{self.pk}-{stamp}"

    def submitted_answers(self) -> dict:
        """The answers as they were at the last submission (the history row written by
        it), else the current ones."""
        row = (
            self.history.filter(status=ResponseStatus.SUBMITTED)
            .order_by("-history_date", "-history_id")
            .only("answers")
            .first()
        )
        return row.answers if row is not None else self.answers

    @property
    def is_editable(self) -> bool:
        """Whether officers may still change the answers."""
        return self.status in EDITABLE_STATUSES

    def accepts_changes_on(self, date) -> bool:
        """Whether officers may change the answers on `date`: a draft while its campaign
        is open; a returned response until it is submitted again, even after the closing
        date (the reviewers asked for the changes)."""
        if self.status == ResponseStatus.RETURNED:
            return True
        return self.status == ResponseStatus.DRAFT and self.campaign.is_open_on(date)


class Invitation(models.Model):
    """A single-use, expiring link inviting someone by e-mail to answer for territories.

    Only a hash of the token is stored: the link itself exists only in the e-mail."""

    email = models.EmailField(_("adresse électronique"))
    territories = models.ManyToManyField(
        Territory, related_name="invitations", verbose_name=_("territoires")
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    invited_by = _acting_user(_("invité par"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("compte"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        """Whether the link may still be used (not accepted, not expired)."""
        return self.accepted_at is None and self.expires_at > timezone.now()


class Promotion(models.Model):
    """The link from a cooperation entry of a validated response to the registry record it
    created or updated: the detailed provenance, kept on the survey side."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="promotions", verbose_name=_("réponse")
    )
    # The `_entry` identifier of the cooperation entry inside the response's answers.
    entry = models.CharField(_("fiche"), max_length=64)
    cooperation = models.ForeignKey(
        "cooperation.Cooperation",
        on_delete=models.CASCADE,
        related_name="promotions",
        verbose_name=_("coopération"),
    )
    created = models.BooleanField(_("fiche créée"), default=True)
    # Whether the last promotion changed the record: an entry identical to its record
    # leaves it as it was ("identique", not "mise à jour").
    changed = models.BooleanField(_("fiche modifiée"), default=True)
    promoted_at = models.DateTimeField(_("versée le"), auto_now=True)

    objects = PromotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versement au registre")
        verbose_name_plural = _("versements au registre")
        ordering = ["response", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["response", "entry"], name="one_promotion_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.response} — {self.entry} → {self.cooperation_id}"


class PrefilledEntry(models.Model):
    """A registry record the server copied into a cooperation entry when it created the
    response: what allows that entry, and only it, to update the record on promotion.

    The `_registry_slug` an entry carries in the answers is the client's word; it is
    trusted only when a row here vouches for it, or when the record is published and
    counts the responding territory among its partners (see `surveys.registry_links`)."""

    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="prefilled_entries",
        verbose_name=_("réponse"),
    )
    # The `_entry` identifier the pre-fill gave the entry.
    entry = models.CharField(_("fiche"), max_length=64)
    cooperation = models.ForeignKey(
        "cooperation.Cooperation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("coopération"),
    )

    class Meta:
        verbose_name = _("fiche préremplie")
        verbose_name_plural = _("fiches préremplies")
        ordering = ["response", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["response", "entry"], name="one_prefill_per_entry"),
            models.UniqueConstraint(
                fields=["response", "cooperation"], name="one_prefill_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} — {self.entry} ← {self.cooperation_id}"


class Reminder(models.Model):
    """A reminder e-mail sent to the officers of a territory that had not submitted."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("campagne")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("territoire")
    )
    recipients = models.TextField(_("destinataires"))
    sent_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    sent_by = _acting_user(_("envoyée par"))

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.territory} ({self.sent_at:%Y-%m-%d})"
