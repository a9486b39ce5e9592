"""The OpenAPI description of the survey's routes (drf-spectacular): the bodies of their
errors and one decorator per viewset, which surveys/api/views.py applies, so that a
viewset there reads as its queryset, serializers and filters."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from config.api.schema import (
    NOT_AUTHENTICATED,
    PAGE_NOT_FOUND,
    error_response,
    field_errors_serializer,
    invalid_parameters,
)

from ..filters import ResponseFilterSet
from .serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    ResponseConflictSerializer,
    ResponseSaveSerializer,
    SurveyResponseSerializer,
)

FILTER_ERRORS = field_errors_serializer("ResponseFilterErrors", ResponseFilterSet.base_filters)
RESPONSE_NOT_FOUND = error_response(
    gettext_lazy(
        "Réponse inconnue, ou d’un territoire dont le demandeur n’est pas référent "
        "(seule l’équipe voit toutes les réponses)."
    )
)
CAMPAIGN_NOT_FOUND = error_response(
    gettext_lazy("Campagne inconnue, ou qui n’interroge aucun territoire du demandeur.")
)
ANSWER_ERRORS_HELP = gettext_lazy(
    "Objet dont les clés sont les chemins des réponses en cause et les valeurs leurs "
    'messages, par exemple {"cooperations.0.coop_title": ["…"]} ; ou liste de messages '
    "si answers n’est pas un objet JSON."
)
SAVE_ERRORS = OpenApiResponse(
    inline_serializer(
        name="ResponseSaveErrors",
        fields={
            "version": serializers.ListField(child=serializers.CharField(), required=False),
            "answers": serializers.JSONField(required=False, help_text=ANSWER_ERRORS_HELP),
            "non_field_errors": serializers.ListField(
                child=serializers.CharField(), required=False
            ),
            "detail": serializers.CharField(
                required=False, help_text=gettext_lazy("Corps illisible (JSON invalide).")
            ),
        },
    ),
    description=gettext_lazy(
        "Requête invalide, rien n’est écrit : version absente ou non entière, answers qui "
        "n’est pas un objet, réponses invalides par chemin, ou JSON illisible (detail)."
    ),
    examples=[
        OpenApiExample(
            "Réponses invalides",
            value={
                "answers": {
                    "cooperations.0.coop_start_year": ["Une année entre 1900 et 2100 est attendue."]
                }
            },
            status_codes=["400"],
        ),
        OpenApiExample(
            "Version manquante",
            value={"version": ["Ce champ est obligatoire."]},
            status_codes=["400"],
        ),
    ],
)
SUBMIT_ERRORS = OpenApiResponse(
    inline_serializer(
        name="ResponseSubmitErrors",
        fields={"answers": serializers.JSONField(help_text=ANSWER_ERRORS_HELP)},
    ),
    description=gettext_lazy(
        "Réponse incomplète ou invalide, rien n’est transmis : chaque réponse en cause, par "
        "chemin (questions obligatoires non remplies comprises)."
    ),
    examples=[
        OpenApiExample(
            "Questions obligatoires",
            value={"answers": {"respondent.respondent_name": ["Cette question est obligatoire."]}},
            status_codes=["400"],
        )
    ],
)
CONFLICT = OpenApiResponse(
    ResponseConflictSerializer,
    description=gettext_lazy(
        "Rien n’est écrit : la réponse a été enregistrée depuis la version envoyée (code "
        "stale), ou elle a été transmise ou validée (code not_editable). current donne l’état "
        "enregistré."
    ),
    examples=[
        OpenApiExample(
            "Version périmée",
            value={
                "code": "stale",
                "detail": "Cette réponse a été enregistrée entre-temps par Anne Le Gall à "
                "10 h 32 (version 4) : vos modifications n’ont pas été enregistrées.",
                "current": {
                    "version": 4,
                    "answers": {"respondent": {"respondent_name": "Anne Le Gall"}},
                    "updated_at": "2025-03-12T10:32:05+01:00",
                    "last_saved_by": "Anne Le Gall",
                    "saved_at_display": "10 h 32",
                },
            },
            status_codes=["409"],
        )
    ],
)
ACCESS_ERRORS = {401: NOT_AUTHENTICATED}


campaign_schema = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Lister les campagnes"),
        description=gettext_lazy(
            "Campagnes visibles par le demandeur : toutes pour l’équipe, celles qui "
            "interrogent un de ses territoires pour un référent. Compte requis."
        ),
        responses={
            200: CampaignSerializer,
            404: PAGE_NOT_FOUND,
            **ACCESS_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Une campagne, avec la définition de son questionnaire"),
        responses={200: CampaignDetailSerializer, 404: CAMPAIGN_NOT_FOUND, **ACCESS_ERRORS},
    ),
)


response_schema = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Lister et filtrer les réponses"),
        description=gettext_lazy(
            "Réponses visibles par le demandeur : celles de ses territoires pour un référent, "
            "toutes pour l’équipe. Mêmes filtres que la file de relecture. Compte requis."
        ),
        responses={
            200: SurveyResponseSerializer,
            400: invalid_parameters(FILTER_ERRORS),
            404: PAGE_NOT_FOUND,
            **ACCESS_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Une réponse"),
        responses={200: SurveyResponseSerializer, 404: RESPONSE_NOT_FOUND, **ACCESS_ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Enregistrer les réponses (brouillon)"),
        description=gettext_lazy(
            "Remplace toutes les réponses. version est celle lue avant modification : si la "
            "réponse a été enregistrée depuis, rien n’est écrit et la réponse est 409 avec "
            "l’état enregistré (current). Les réponses sont vérifiées à la volée (types, "
            "choix, territoires), sans exiger les questions obligatoires. Référents du "
            "territoire et équipe. Avec une session du portail, envoyer l’en-tête X-CSRFToken."
        ),
        request=ResponseSaveSerializer,
        responses={
            200: SurveyResponseSerializer,
            400: SAVE_ERRORS,
            404: RESPONSE_NOT_FOUND,
            409: CONFLICT,
            **ACCESS_ERRORS,
            403: error_response(
                gettext_lazy("Jeton CSRF absent ou invalide (session du portail).")
            ),
        },
    ),
    submit=extend_schema(
        summary=gettext_lazy("Transmettre la réponse pour relecture"),
        description=gettext_lazy(
            "Vérifie que toutes les questions obligatoires affichées sont remplies, puis "
            "transmet la réponse (statut submitted) et envoie un accusé de réception. "
            "Transmettre une réponse déjà transmise la renvoie inchangée."
        ),
        request=None,
        responses={
            200: SurveyResponseSerializer,
            400: SUBMIT_ERRORS,
            404: RESPONSE_NOT_FOUND,
            409: CONFLICT,
            **ACCESS_ERRORS,
            403: error_response(
                gettext_lazy("Jeton CSRF absent ou invalide (session du portail).")
            ),
        },
    ),
)
