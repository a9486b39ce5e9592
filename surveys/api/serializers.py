"""Survey campaigns and responses in /api/v1/, and the shape officers send to save answers.

The save serializer only validates the envelope (a version number, a JSON object of
answers); surveys.services.responses checks the answers against the questionnaire and writes."""

from django.urls import reverse as django_reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from config.api.fields import BlankAsNullCharField
from territories.api.serializers import TerritoryLinkSerializer

from ..models import Campaign, Questionnaire, Response
from ..wording import person_name, time_of_day

HELP = {
    "last_saved_by": _("Nom de la dernière personne qui a enregistré les réponses ; null sinon."),
    "saved_at_display": _(
        "Heure locale (Paris) du dernier enregistrement, à afficher telle quelle, par "
        "exemple « 10 h 32 »."
    ),
    "updated_at": _("Date et heure du dernier enregistrement (ISO 8601, heure de Paris)."),
    "version": _(
        "Numéro de version des réponses, augmenté à chaque enregistrement : à renvoyer avec "
        "la modification suivante (verrouillage optimiste)."
    ),
    "answers": _(
        "Réponses, par section puis par code de question ; une section répétable est une "
        "liste de fiches (voir la définition du questionnaire de la campagne)."
    ),
}


def display_name(user) -> str | None:
    """A person's name for the API: None without a user."""
    return person_name(user) or None


def clock_time(value) -> str | None:
    """The local time of `value` (10 h 32) for the API: None without a value."""
    return time_of_day(value) or None


# Campaigns ---------------------------------------------------------------------------------


class QuestionnaireLinkSerializer(serializers.ModelSerializer):
    """The questionnaire version a campaign asks."""

    title = serializers.CharField(
        read_only=True, help_text=_("Titre du questionnaire, dans la langue de la requête.")
    )

    class Meta:
        model = Questionnaire
        fields = ["slug", "version", "title"]
        read_only_fields = fields
        extra_kwargs = {
            "slug": {"help_text": _("Identifiant stable du questionnaire.")},
            "version": {
                "help_text": _("Version du questionnaire (elle ne change plus après l’ouverture).")
            },
        }


class QuestionnaireDetailSerializer(QuestionnaireLinkSerializer):
    """The questionnaire version with its definition, to interpret answers."""

    definition = serializers.JSONField(
        read_only=True,
        help_text=_(
            "Définition du questionnaire : sections, questions (code, type, libellés fr et en, "
            "aide, caractère obligatoire, choix, condition d’affichage). Voir "
            "docs/questionnaire.md."
        ),
    )

    class Meta(QuestionnaireLinkSerializer.Meta):
        fields = [*QuestionnaireLinkSerializer.Meta.fields, "definition"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign in a list."""

    organisers = BlankAsNullCharField(
        allow_null=True, read_only=True, help_text=_("Organisateurs ; null s’ils manquent.")
    )
    is_open = serializers.SerializerMethodField(
        help_text=_("Vrai si la campagne accepte des réponses aujourd’hui (dates incluses).")
    )
    questionnaire = QuestionnaireLinkSerializer(read_only=True)
    target_count = serializers.IntegerField(
        read_only=True, help_text=_("Nombre de territoires interrogés.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="campaign-detail", help_text=_("Adresse de la campagne dans l’API.")
    )
    responses_url = serializers.SerializerMethodField(
        help_text=_("Réponses à cette campagne que le demandeur peut voir (liste filtrée).")
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "organisers",
            "opening_date",
            "closing_date",
            "is_open",
            "questionnaire",
            "target_count",
            "url",
            "responses_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "title": {"help_text": _("Titre de la campagne.")},
            "opening_date": {"help_text": _("Premier jour où les réponses sont acceptées.")},
            "closing_date": {"help_text": _("Dernier jour où les réponses sont acceptées.")},
        }

    def get_is_open(self, campaign: Campaign) -> bool:
        return campaign.is_open_on(timezone.localdate())

    @extend_schema_field(OpenApiTypes.URI)
    def get_responses_url(self, campaign: Campaign) -> str:
        url = reverse("response-list", request=self.context.get("request"))
        return f"{url}?campaign={campaign.pk}"


class CampaignDetailSerializer(CampaignSerializer):
    """A campaign with its questionnaire's definition."""

    questionnaire = QuestionnaireDetailSerializer(read_only=True)

    class Meta(CampaignSerializer.Meta):
        pass


# Responses ---------------------------------------------------------------------------------


class QuestionnaireVersionSerializer(serializers.ModelSerializer):
    """The questionnaire version a response was answered with."""

    class Meta:
        model = Questionnaire
        fields = ["slug", "version"]
        read_only_fields = fields


class SavedStateSerializer(serializers.ModelSerializer):
    """What a save changes: the answers, their version, when and by whom."""

    last_saved_by = serializers.SerializerMethodField(help_text=HELP["last_saved_by"])
    saved_at_display = serializers.SerializerMethodField(help_text=HELP["saved_at_display"])

    class Meta:
        model = Response
        fields = ["version", "answers", "updated_at", "last_saved_by", "saved_at_display"]
        read_only_fields = fields
        extra_kwargs = {
            "version": {"help_text": HELP["version"]},
            "answers": {"help_text": HELP["answers"]},
            "updated_at": {"help_text": HELP["updated_at"]},
        }

    def get_last_saved_by(self, response: Response) -> str | None:
        return display_name(response.last_saved_by)

    def get_saved_at_display(self, response: Response) -> str:
        return clock_time(response.updated_at)


class SurveyResponseSerializer(SavedStateSerializer):
    """A territory's response to a campaign."""

    campaign = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Identifiant de la campagne.")
    )
    territory = TerritoryLinkSerializer(read_only=True)
    questionnaire = QuestionnaireVersionSerializer(read_only=True)
    status_label = serializers.CharField(
        source="get_status_display",
        read_only=True,
        help_text=_("Libellé du statut, dans la langue de la requête."),
    )
    is_editable = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "Vrai tant que les référents peuvent modifier les réponses (brouillon ou renvoyée)."
        ),
    )
    reviewer_notes = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text=_(
            "Remarques de la relecture (visibles des référents du territoire) ; null sans remarque."
        ),
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="response-detail", help_text=_("Adresse de la réponse dans l’API.")
    )
    web_url = serializers.SerializerMethodField(
        help_text=_("Adresse de la réponse sur le portail (sa page de réponse).")
    )

    class Meta(SavedStateSerializer.Meta):
        fields = [
            "id",
            "campaign",
            "territory",
            "questionnaire",
            "status",
            "status_label",
            "is_editable",
            *SavedStateSerializer.Meta.fields,
            "created_at",
            "submitted_at",
            "reviewer_notes",
            "validated_at",
            "url",
            "web_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **SavedStateSerializer.Meta.extra_kwargs,
            "status": {
                "help_text": _(
                    "draft (brouillon), submitted (transmise), returned (renvoyée pour "
                    "corrections) ou validated (validée)."
                )
            },
            "created_at": {"help_text": _("Date et heure de création (première ouverture).")},
            "submitted_at": {
                "help_text": _("Date et heure de la dernière transmission ; null sinon.")
            },
            "validated_at": {"help_text": _("Date et heure de la validation ; null sinon.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, response: Response) -> str:
        # The page redirects to the officers' answer page of the response.
        path = django_reverse("surveys:response", kwargs={"pk": response.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ResponseSaveSerializer(serializers.Serializer):
    """A save of the answers: the version they were edited from, and all the answers."""

    version = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "La version lue avant modification (champ version de la réponse). Si la réponse "
            "a été enregistrée depuis, rien n’est écrit et la réponse est 409."
        ),
    )
    answers = serializers.JSONField(
        help_text=_(
            "Toutes les réponses (elles remplacent les précédentes), au format de la "
            "définition du questionnaire : un objet par section, une liste de fiches pour une "
            "section répétable."
        )
    )

    # A save always sends both fields, PATCH or not: never partial. (drf-spectacular marks
    # every PATCH body partial, which would document both fields as optional.)
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value) -> None:
        pass

    def validate_answers(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Les réponses doivent former un objet JSON."))
        return value


class ResponseConflictSerializer(serializers.Serializer):
    """Body of a 409: the save or submission was refused and nothing was written."""

    code = serializers.ChoiceField(
        choices=[("stale", "stale"), ("not_editable", "not_editable")],
        help_text=_(
            "stale : la réponse a été enregistrée depuis la version envoyée (rechargez-la, ou "
            "réappliquez vos modifications sur current) ; not_editable : la réponse a été "
            "transmise ou validée et ne peut plus être modifiée."
        ),
    )
    detail = serializers.CharField(help_text=_("Message lisible, dans la langue de la requête."))
    current = SavedStateSerializer(
        help_text=_("L’état enregistré de la réponse : version, réponses, date et auteur.")
    )
