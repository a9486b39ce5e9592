"""Survey campaigns and responses in /api/v1/.

Who sees what is decided in one place per model: `Campaign.objects.visible_to(user)` and
`Response.objects.visible_to(user)` (staff everything, officers their territories,
anonymous clients nothing). Every route needs an account; a response the requester may
not see is a 404, on reads and writes alike. Writes go through surveys.services.responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filters import ResponseFilterSet
from ..models import Campaign
from ..models import Response as SurveyResponse
from ..services.responses import StaleResponse, response_save, response_submit
from .schema import campaign_schema, response_schema
from .serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
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


@campaign_schema
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


@response_schema
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
        return Response(self._saved_representation(saved))

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

    def _saved_representation(self, saved: SurveyResponse) -> dict:
        """What `_representation` gives, without re-reading the whole response: the saved
        instance already holds the fresh row (read under lock, then written) and its
        territory and questionnaire; only the answers are read back, as the database
        stores them (PostgreSQL's jsonb orders an object's keys its own way)."""
        saved.answers = (
            SurveyResponse.objects.filter(pk=saved.pk).values_list("answers", flat=True).get()
        )
        return SurveyResponseSerializer(saved, context=self.get_serializer_context()).data

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
