"""Survey campaigns and responses in /api/v1/.

Who sees what is decided in one place per model: `Campaign.objects.visible_to(user)` and
`Response.objects.visible_to(user)` (staff everything, officers their territories,
anonymous clients nothing). Every route needs an account; a response the requester may
not see is a 404, on reads and writes alike. Writes go through surveys.services.responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.schema import NOT_AUTHENTICATED, error_response, field_errors_serializer

from ..filters import ResponseFilterSet
from ..models import Campaign
from ..models import Response as SurveyResponse
from ..services.responses import StaleResponse, response_save, response_submit
from .serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    ResponseConflictSerializer,
    ResponseSaveSerializer,
    SavedStateSerializer,
    SurveyResponseSerializer,
    clock_time,
    display_name,
)


class IsSurveyParticipant(permissions.IsAuthenticated):
    """Every survey route needs an account, reads included (there is nothing public in a
    campaign's responses). What each account sees and may change is the models'
    `visible_to(user)` scoping, applied in each viewset's `get_queryset()`: officers
    write their territories' responses, staff any.

    Without credentials (or with an expired session) the answer is a JSON 401 with a
    `WWW-Authenticate: Token` challenge, never a redirect to the login page."""


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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Lister les campagnes"),
        description=gettext_lazy(
            "Campagnes visibles par le demandeur : toutes pour l’équipe, celles qui "
            "interrogent un de ses territoires pour un référent. Compte requis."
        ),
        responses={
            200: CampaignSerializer,
            404: error_response(gettext_lazy("Page inexistante.")),
            **ACCESS_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Une campagne, avec la définition de son questionnaire"),
        responses={200: CampaignDetailSerializer, 404: CAMPAIGN_NOT_FOUND, **ACCESS_ERRORS},
    ),
)
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey campaigns, read-only."""

    permission_classes = [IsSurveyParticipant]
    filter_backends = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        campaigns = (
            Campaign.objects.visible_to(self.request.user)
            .select_related("questionnaire")
            .annotate(target_count=Count("targets"))
            # Explicit order: Meta.ordering does not apply to an aggregated (GROUP BY) query.
            .order_by(*Campaign._meta.ordering)
        )
        if self.action != "retrieve":
            campaigns = campaigns.defer("questionnaire__definition")
        return campaigns

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Lister et filtrer les réponses"),
        description=gettext_lazy(
            "Réponses visibles par le demandeur : celles de ses territoires pour un référent, "
            "toutes pour l’équipe. Mêmes filtres que la file de relecture. Compte requis."
        ),
        responses={
            200: SurveyResponseSerializer,
            400: OpenApiResponse(
                FILTER_ERRORS,
                description=gettext_lazy(
                    "Paramètre invalide : chaque paramètre en cause, avec ses messages."
                ),
            ),
            404: error_response(gettext_lazy("Page inexistante.")),
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
class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Responses: read by their territory's officers and staff, saved and submitted by
    them too (through surveys.services.responses). No PUT, no POST on the list, no DELETE."""

    permission_classes = [IsSurveyParticipant]
    filterset_class = ResponseFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (
            SurveyResponse.objects.visible_to(self.request.user)
            .select_related("territory", "questionnaire", "last_saved_by")
            .defer("questionnaire__definition")
        )

    def get_serializer_class(self):
        # By method, so that OPTIONS and the browsable API describe what to send.
        if self.request is not None and self.request.method == "PATCH":
            return ResponseSaveSerializer
        return SurveyResponseSerializer

    def get_object(self):
        # Not filter_queryset(): the list's filters do not apply to a response's own address.
        response = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, response)
        return response

    def partial_update(self, request, *args, **kwargs):
        response = self.get_object()
        serializer = ResponseSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = response_save(response=response, user=request.user, **serializer.validated_data)
        except StaleResponse as stale:
            return self._conflict(stale.current)
        except DjangoValidationError as error:
            return self._refusal(response, error)
        return Response(self._representation(saved))

    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        response = self.get_object()
        try:
            submitted = response_submit(response=response, user=request.user)
        except DjangoValidationError as error:
            return self._refusal(response, error)
        return Response(self._representation(submitted))

    def _representation(self, response: SurveyResponse) -> dict:
        fresh = self.get_queryset().get(pk=response.pk)
        return SurveyResponseSerializer(fresh, context=self.get_serializer_context()).data

    def _refusal(self, response: SurveyResponse, error: DjangoValidationError) -> Response:
        """A service refused: errors by answer path are a 400 under `answers`; a response
        that can no longer change is a 409; anything else is the API's usual 400."""
        if hasattr(error, "error_dict"):
            return Response({"answers": error.message_dict}, status=status.HTTP_400_BAD_REQUEST)
        current = SurveyResponse.objects.select_related("last_saved_by").get(pk=response.pk)
        if not current.is_editable:
            return self._conflict(current)
        raise error

    def _conflict(self, current: SurveyResponse) -> Response:
        if not current.is_editable:
            code = "not_editable"
            detail = _("Cette réponse est « %(status)s » : elle ne peut plus être modifiée.") % {
                "status": current.get_status_display()
            }
        else:
            code = "stale"
            saved_by = display_name(current.last_saved_by)
            values = {
                "user": saved_by,
                "time": clock_time(current.updated_at),
                "version": current.version,
            }
            if saved_by:
                detail = (
                    _(
                        "Cette réponse a été enregistrée entre-temps par %(user)s à %(time)s "
                        "(version %(version)d) : vos modifications n’ont pas été enregistrées."
                    )
                    % values
                )
            else:
                detail = (
                    _(
                        "Cette réponse a été enregistrée entre-temps, à %(time)s (version "
                        "%(version)d) : vos modifications n’ont pas été enregistrées."
                    )
                    % values
                )
        body = {
            "code": code,
            "detail": detail,
            "current": SavedStateSerializer(current, context=self.get_serializer_context()).data,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
