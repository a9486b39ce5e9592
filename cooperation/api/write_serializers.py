"""The shapes that staff send to write the registry through /api/v1/.

Write serializers only validate and normalise the input; the viewsets hand
`validated_data` to cooperation.services, which does the writing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from config.api.fields import NullAsBlankCharField, NullAsBlankURLField
from config.api.storable_text import StorableTextMixin
from territories.filters import TerritoryReferenceField as TerritoryReferenceFormField
from territories.models import Territory

from ..dates import parse_partial_date
from ..models import Cooperation, PartnerRole, Theme
from ..services import DETAIL_FIELDS, PartnerInput, SourceInput
from .serializers import HELP

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

# What a write may set (`DETAIL_FIELDS`, the services' one list), in the order the API has
# always documented them: the themes after the instrument, the dates after the status.
_PLACED_AFTER = {"instrument": ("themes",), "status": ("start", "end")}
RECORD_FIELDS = [field for name in DETAIL_FIELDS for field in (name, *_PLACED_AFTER.get(name, ()))]


# Fields ------------------------------------------------------------------------------------


class WholeItemMixin:
    """For the items of a list that replaces a record's list (partners, sources): each item
    is validated whole even in a partial update (PATCH) of the record, whose partiality DRF
    would otherwise extend to the items, letting through an item without its required
    fields."""

    def run_validation(self, data=empty):
        if self.root is self or not getattr(self.root, "partial", False):
            return super().run_validation(data)
        item = type(self)(data=data, context=self.context)
        item.is_valid(raise_exception=True)
        return item.validated_data


@extend_schema_field(
    {"type": "string", "nullable": True, "pattern": PARTIAL_DATE_PATTERN, "example": "2016-11"}
)
class PartialDateField(NullAsBlankCharField):
    """A date known to the year, month or day: "2016", "2016-11" or "2016-11-04"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            parse_partial_date(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value


@extend_schema_field({"type": "string", "example": "epci:242900314"})
class TerritoryReferenceField(serializers.Field):
    """A territory named as `<kind>:<code>`, e.g. `epci:242900314` or `commune:29019`."""

    def to_internal_value(self, data) -> Territory:
        if not isinstance(data, str):
            raise serializers.ValidationError(
                TerritoryReferenceFormField.default_error_messages["format"]
            )
        try:
            territory = TerritoryReferenceFormField(required=True).clean(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return territory

    def to_representation(self, territory: Territory) -> str:
        return territory.reference


# Writing -----------------------------------------------------------------------------------


class PartnerInputSerializer(StorableTextMixin, WholeItemMixin, serializers.Serializer):
    """A partner to add: its territory as `<kind>:<code>` and its role."""

    territory = TerritoryReferenceField(
        help_text=_(
            "Territoire partenaire, sous la forme <type>:<code>, par exemple epci:242900314 "
            "ou commune:29019."
        )
    )
    role = serializers.ChoiceField(
        choices=PartnerRole.choices,
        default=PartnerRole.PARTNER,
        help_text=_("Rôle : lead (chef de file), partner (par défaut) ou associate."),
    )


class PartnershipUpdateSerializer(StorableTextMixin, serializers.Serializer):
    """A partner's new role (to change its territory, remove it and add the other one)."""

    role = serializers.ChoiceField(
        choices=PartnerRole.choices,
        help_text=_("Rôle : lead (chef de file), partner ou associate."),
    )


class SourceInputSerializer(StorableTextMixin, WholeItemMixin, serializers.Serializer):
    """A citation to attach to a record."""

    title = serializers.CharField(max_length=300, help_text=_("Titre du document cité."))
    publisher = NullAsBlankCharField(
        max_length=200, required=False, help_text=_("Éditeur ; null ou vide s’il manque.")
    )
    date = PartialDateField(help_text=_("Date de publication : AAAA, AAAA-MM ou AAAA-MM-JJ."))
    url = NullAsBlankURLField(max_length=500, required=False, help_text=_("Adresse de la source."))
    note = NullAsBlankCharField(required=False, help_text=_("Remarque sur la source."))


class CooperationWriteSerializer(StorableTextMixin, serializers.ModelSerializer):
    """What staff send to create or change a record. Partners and sources, when given,
    replace the record's ones; themes are given by code."""

    themes = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Theme.objects.all(),
        required=False,
        help_text=_("Codes des thèmes (voir /api/v1/themes/) ; remplacent les thèmes actuels."),
    )
    start = PartialDateField(help_text=HELP["start"])
    end = PartialDateField(help_text=HELP["end"])
    partners = PartnerInputSerializer(
        many=True,
        help_text=_(
            "Partenaires, dans l’ordre : au moins une métropole ; remplacent les partenaires "
            "actuels."
        ),
    )
    sources = SourceInputSerializer(
        many=True, required=False, help_text=_("Sources ; remplacent les sources actuelles.")
    )

    class Meta:
        model = Cooperation
        fields = ["slug", *RECORD_FIELDS, "partners", "sources"]
        extra_kwargs = {
            "slug": {
                "required": False,
                "help_text": _(
                    "Identifiant dans les adresses ; déduit du titre s’il est omis à la création."
                ),
            },
            **{name: {"help_text": HELP[name]} for name in DETAIL_FIELDS},
        }

    def build_standard_field(self, field_name, model_field):
        # Optional text fields read as null when empty: accept null back on input.
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if kwargs.get("allow_blank") and field_class in (
            serializers.CharField,
            serializers.URLField,
        ):
            field_class = (
                NullAsBlankURLField if field_class is serializers.URLField else NullAsBlankCharField
            )
        return field_class, kwargs

    def validate_partners(self, value) -> list[PartnerInput]:
        return [PartnerInput(**partner) for partner in value]

    def validate_sources(self, value) -> list[SourceInput]:
        return [SourceInput(**source) for source in value]
