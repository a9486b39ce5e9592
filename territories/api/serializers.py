from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from config.api.fields import AbsoluteURLField, BlankAsNullMixin

from ..models import Territory, TerritoryCategory


class BlankAsNullCharField(BlankAsNullMixin, serializers.CharField):
    pass


class BlankAsNullChoiceField(BlankAsNullMixin, serializers.ChoiceField):
    pass


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


class TerritorySerializer(serializers.ModelSerializer):
    """One territory in a list."""

    kind_label = serializers.CharField(
        source="get_kind_display",
        read_only=True,
        help_text=_("Libellé du type, dans la langue de la requête."),
    )
    category = _category_field()
    category_label = BlankAsNullCharField(
        source="get_category_display",
        allow_null=True,
        read_only=True,
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

    class Meta(TerritorySerializer.Meta):
        fields = [
            *TerritorySerializer.Meta.fields,
            "postal_codes",
            "vintage",
            "source",
            "containers",
            "contents_count",
            "contents_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_contents_url(self, territory: Territory) -> str:
        url = reverse("territory-list", request=self.context.get("request"))
        return f"{url}?{urlencode({'contained_in': territory.reference}, safe=':')}"
