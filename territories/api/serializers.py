from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from config.api.fields import AbsoluteURLField, BlankAsNullCharField, BlankAsNullChoiceField
from config.api.representation import ChoiceLabels

from ..models import Territory, TerritoryCategory, TerritoryKind


class TerritoryDetailURLField(serializers.HyperlinkedIdentityField):
    """Absolute URL of `/api/v1/territories/<kind>/<code>/`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("view_name", "territory-detail")
        kwargs.setdefault("help_text", _("Adresse de ce territoire dans l’API."))
        super().__init__(**kwargs)

    def get_url(self, obj, view_name, request, format):
        kwargs = {"kind": obj.kind, "code": obj.code}
        return self.reverse(view_name, kwargs=kwargs, request=request, format=format)


def _category_field():
    return BlankAsNullChoiceField(
        choices=TerritoryCategory.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Catégorie juridique (EPCI et groupements) ; null pour les autres."),
    )


class TerritoryLinkSerializer(serializers.ModelSerializer):
    """A territory named in another one's record (for example, what contains it)."""

    category = _category_field()
    url = TerritoryDetailURLField()

    class Meta:
        model = Territory
        fields = ["kind", "code", "name", "category", "url"]
        read_only_fields = fields


class NeighbourSerializer(TerritoryLinkSerializer):
    """A territory sharing a border with the one described."""

    reference = serializers.CharField(
        read_only=True,
        help_text=_("Référence <type>:<code>, comme dans les filtres, par exemple epci:242900314."),
    )
    web_url = AbsoluteURLField(
        source="get_absolute_url", help_text=_("Adresse de sa page web sur le portail.")
    )

    class Meta(TerritoryLinkSerializer.Meta):
        fields = ["reference", *TerritoryLinkSerializer.Meta.fields, "web_url"]
        read_only_fields = fields


POINT = serializers.ListField(
    child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True
)
BBOX = serializers.ListField(
    child=serializers.FloatField(), min_length=4, max_length=4, allow_null=True
)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.ReadOnlyField):
    """The label of a choice, read from a table of the labels in the active language
    (built once per language) rather than through `get_FOO_display()` for every row, which
    took about a third of a 100-row page. An empty value is null."""

    def __init__(self, choices, **kwargs):
        self._labels = ChoiceLabels(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return self._labels.table().get(value, value)


class TerritorySerializer(serializers.ModelSerializer):
    """One territory in a list."""

    kind_label = ChoiceLabelField(
        TerritoryKind.choices,
        source="kind",
        help_text=_("Libellé du type, dans la langue de la requête."),
    )
    category = _category_field()
    category_label = ChoiceLabelField(
        TerritoryCategory.choices,
        source="category",
        allow_null=True,
        help_text=_("Libellé de la catégorie, dans la langue de la requête ; null sans catégorie."),
    )
    siren = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text=_("SIREN (EPCI, EPT, groupements) ; null quand il n’est pas connu."),
    )
    is_metropolis = serializers.BooleanField(
        read_only=True,
        help_text=_("Vrai pour les métropoles : EPCI de catégorie METRO ou MET69."),
    )
    url = TerritoryDetailURLField()
    web_url = AbsoluteURLField(
        source="get_absolute_url",
        help_text=_("Adresse de la page web du territoire sur le portail."),
    )

    class Meta:
        model = Territory
        fields = [
            "kind",
            "kind_label",
            "code",
            "siren",
            "name",
            "category",
            "category_label",
            "population",
            "is_metropolis",
            "is_obsolete",
            "url",
            "web_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": _("Type de territoire.")},
            "name": {"help_text": _("Nom officiel.")},
        }


class TerritoryDetailSerializer(TerritorySerializer):
    """One territory with what contains it and how many territories it contains."""

    postal_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Codes postaux (communes) ; liste vide pour les autres types."),
    )
    vintage = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text=_("Millésime de la donnée de référence ; null si inconnu."),
    )
    source = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text=_("Source de la donnée de référence ; null si inconnue."),
    )
    containers = TerritoryLinkSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Territoires qui contiennent celui-ci, du plus large au plus étroit "
            "(région, département, EPCI, EPT…)."
        ),
    )
    contents_count = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_(
            "Nombre de territoires actuels contenus, par type, par exemple "
            '{"commune": 8}. Objet vide si le territoire ne contient rien.'
        ),
    )
    contents_url = serializers.SerializerMethodField(
        help_text=_(
            "Liste paginée des territoires contenus : la liste filtrée par "
            "contained_in=<type>:<code>."
        ),
    )

    centroid = serializers.SerializerMethodField(
        help_text=_(
            "Centroïde du contour, [longitude, latitude] en degrés (WGS84) ; il peut tomber "
            "hors du territoire (un croissant, un archipel). null sans contour."
        ),
    )
    representative_point = serializers.SerializerMethodField(
        help_text=_(
            "Point situé à coup sûr dans le contour, [longitude, latitude] : celui dont "
            "partent les distances (within_km, distance des partenaires). null sans contour."
        ),
    )
    bbox = serializers.SerializerMethodField(
        help_text=_("Rectangle englobant, [ouest, sud, est, nord] en degrés ; null sans contour.")
    )
    area_km2 = serializers.SerializerMethodField(
        help_text=_(
            "Superficie en km², calculée sur la sphère à partir du contour (à un pour cent "
            "près environ des superficies officielles) ; null sans contour."
        ),
    )
    communes_without_contour = serializers.SerializerMethodField(
        help_text=_(
            "Nombre de communes du territoire absentes de la source des contours : le "
            "contour est partiel s’il est positif. null sans contour."
        ),
    )
    neighbours = NeighbourSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Territoires qui ont une frontière commune avec celui-ci (un point de contact "
            "suffit) : du même type, et pour un EPCI les groupements voisins (et "
            "inversement). Liste vide sans contour."
        ),
    )
    geometry_url = serializers.SerializerMethodField(
        help_text=_("Contour en GeoJSON (…/geometry/?detail=low|high) ; null sans contour.")
    )

    class Meta(TerritorySerializer.Meta):
        fields = [
            *TerritorySerializer.Meta.fields,
            "postal_codes",
            "vintage",
            "source",
            "containers",
            "contents_count",
            "contents_url",
            "centroid",
            "representative_point",
            "bbox",
            "area_km2",
            "communes_without_contour",
            "neighbours",
            "geometry_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_contents_url(self, territory: Territory) -> str:
        url = reverse("territory-list", request=self.context.get("request"))
        return f"{url}?{urlencode({'contained_in': territory.reference}, safe=':')}"

    @extend_schema_field(POINT)
    def get_centroid(self, territory: Territory) -> list[float] | None:
        geometry = territory.geometry_or_none
        return _rounded(geometry.centroid) if geometry else None

    @extend_schema_field(POINT)
    def get_representative_point(self, territory: Territory) -> list[float] | None:
        geometry = territory.geometry_or_none
        return _rounded(geometry.representative_point) if geometry else None

    @extend_schema_field(BBOX)
    def get_bbox(self, territory: Territory) -> list[float] | None:
        geometry = territory.geometry_or_none
        return _rounded(geometry.bbox) if geometry else None

    def get_area_km2(self, territory: Territory) -> float | None:
        geometry = territory.geometry_or_none
        return round(geometry.area_km2, 2) if geometry else None

    def get_communes_without_contour(self, territory: Territory) -> int | None:
        geometry = territory.geometry_or_none
        return geometry.missing_communes if geometry else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_geometry_url(self, territory: Territory) -> str | None:
        if territory.geometry_or_none is None:
            return None
        kwargs = {"kind": territory.kind, "code": territory.code}
        return reverse("territory-geometry", kwargs=kwargs, request=self.context.get("request"))


def _rounded(values) -> list[float]:
    # Six decimals of a degree: about 0.1 m, finer than the contours themselves.
    return [round(value, 6) for value in values]
