"""`/api/v1/territories/<kind>/<code>/geometry/`: a territory's contour as GeoJSON."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.reverse import reverse

from ..geometry.features import feature
from ..geometry.levels import API_LEVELS as DETAIL_LEVELS
from ..models import Territory

DEFAULT_DETAIL = "high"
DETAIL_PARAMETER = OpenApiParameter(
    "detail",
    str,
    OpenApiParameter.QUERY,
    enum=list(DETAIL_LEVELS),
    default=DEFAULT_DETAIL,
    description=_(
        "Niveau de détail : high (le contour de la source, à 1 m près, pour une carte "
        "du territoire) ou low (environ 1 km, pour une carte de la France)."
    ),
)
GEOMETRY_ERRORS = inline_serializer(
    name="TerritoryGeometryErrors",
    fields={"detail": serializers.ListField(child=serializers.CharField())},
)


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for `application/geo+json`; errors are still plain JSON."""

    media_type = "application/geo+json"
    format = "geojson"


def requested_detail(request) -> str:
    """The `detail` query parameter, checked (400 naming it otherwise)."""
    detail = request.query_params.get("detail", DEFAULT_DETAIL)
    if detail not in DETAIL_LEVELS:
        raise ValidationError({"detail": [_("Valeur attendue : low ou high.")]})
    return detail


def feature_response(territory: Territory, *, detail: str, request) -> HttpResponse:
    geometry = territory.geometry
    kwargs = {"kind": territory.kind, "code": territory.code}
    properties = {
        "kind": territory.kind,
        "code": territory.code,
        "name": territory.name,
        "detail": detail,
        "area_km2": round(geometry.area_km2, 2),
        "centroid": [round(value, 6) for value in geometry.centroid],
        "representative_point": [round(value, 6) for value in geometry.representative_point],
        "communes_without_contour": geometry.missing_communes,
        "source": geometry.source,
        "url": reverse("territory-detail", kwargs=kwargs, request=request),
        "web_url": request.build_absolute_uri(territory.get_absolute_url()),
    }
    text = feature(
        geometry=getattr(geometry, f"outline_{detail}"),
        properties=properties,
        feature_id=territory.reference,
        bbox=geometry.bbox,
    )
    return HttpResponse(text, content_type=f"{GeoJSONRenderer.media_type}; charset=utf-8")


TerritoryFeatureSerializer = inline_serializer(
    name="TerritoryFeature",
    fields={
        "type": serializers.ChoiceField(choices=["Feature"]),
        "id": serializers.CharField(help_text=_("Référence <type>:<code>.")),
        "bbox": serializers.ListField(
            child=serializers.FloatField(),
            min_length=4,
            max_length=4,
            help_text=_("[ouest, sud, est, nord], en degrés."),
        ),
        "geometry": serializers.JSONField(
            help_text=_("Polygon ou MultiPolygon GeoJSON, [longitude, latitude] WGS84.")
        ),
        "properties": inline_serializer(
            name="TerritoryFeatureProperties",
            fields={
                "kind": serializers.CharField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "detail": serializers.ChoiceField(choices=list(DETAIL_LEVELS)),
                "area_km2": serializers.FloatField(),
                "centroid": serializers.ListField(child=serializers.FloatField()),
                "representative_point": serializers.ListField(child=serializers.FloatField()),
                "communes_without_contour": serializers.IntegerField(),
                "source": serializers.CharField(),
                "url": serializers.URLField(),
                "web_url": serializers.URLField(),
            },
        ),
    },
)
