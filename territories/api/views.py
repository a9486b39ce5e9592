from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from config.api.schema import THROTTLED, ErrorDetailSerializer, field_errors_serializer

from ..filters import TerritoryFilterSet
from ..models import Territory, TerritoryKind
from .serializers import TerritoryDetailSerializer, TerritorySerializer

FILTER_ERRORS = field_errors_serializer("TerritoryFilterErrors", TerritoryFilterSet.base_filters)


@extend_schema_view(
    list=extend_schema(
        summary=_("Lister et filtrer les territoires"),
        description=_(
            "Liste paginée des territoires actuels (les territoires obsolètes avec "
            "include_obsolete=true). Tous les filtres se combinent. Un paramètre invalide "
            "donne une erreur 400 qui nomme le paramètre."
        ),
        responses={
            200: TerritorySerializer,
            400: OpenApiResponse(
                FILTER_ERRORS,
                description=_("Paramètre invalide : chaque paramètre en cause, avec ses messages."),
            ),
            404: OpenApiResponse(ErrorDetailSerializer, description=_("Page inexistante.")),
            429: THROTTLED,
        },
    ),
    retrieve=extend_schema(
        summary=_("Un territoire, par type et code"),
        description=_(
            "Fiche d’un territoire (même obsolète), avec les territoires qui le contiennent "
            "et le nombre de territoires qu’il contient par type."
        ),
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                OpenApiParameter.PATH,
                enum=TerritoryKind.values,
                description=_("Type de territoire."),
            ),
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description=_(
                    "Code INSEE (région, département, commune) ou SIREN (EPCI, EPT, "
                    "groupement), par exemple 242900314."
                ),
            ),
        ],
        responses={
            200: TerritoryDetailSerializer,
            404: OpenApiResponse(ErrorDetailSerializer, description=_("Territoire inconnu.")),
            429: THROTTLED,
        },
    ),
)
class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The reference geography, read-only and public.

    No write handler exists, so a write is 405 for anyone, signed in or not."""

    permission_classes = [permissions.AllowAny]
    filterset_class = TerritoryFilterSet
    # The detail is addressed by kind and code, as the HTML pages are; see config.api.routers.
    lookup_regex = rf"(?P<kind>{'|'.join(TerritoryKind.values)})/(?P<code>[^/.]+)"

    def get_queryset(self):
        if self.action == "retrieve":
            containers = Territory.objects.ordered_by_level()
            return Territory.objects.prefetch_related(Prefetch("containers", queryset=containers))
        return Territory.objects.all()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TerritoryDetailSerializer
        return TerritorySerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).with_stable_order()

    def get_object(self):
        # Not filter_queryset(): the list's filters, including its default hiding of obsolete
        # territories, do not apply to a territory's own address.
        territory = get_object_or_404(
            self.get_queryset(), kind=self.kwargs["kind"], code=self.kwargs["code"].upper()
        )
        self.check_object_permissions(self.request, territory)
        return territory

    def retrieve(self, request, *args, **kwargs):
        territory = self.get_object()
        contents = Territory.objects.contained_in(territory).current()
        territory.contents_count = {row["kind"]: row["count"] for row in contents.kind_counts()}
        return Response(self.get_serializer(territory).data)
