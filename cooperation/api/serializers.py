"""Representations of the registry in /api/v1/, and the shapes that staff send to write.

Write serializers only validate and normalise the input; the viewsets hand
`validated_data` to cooperation.services, which does the writing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from config.api.fields import (
    AbsoluteURLField,
    BlankAsNullCharField,
    BlankAsNullChoiceField,
    NullAsBlankCharField,
    NullAsBlankURLField,
)
from config.api.storable_text import StorableTextMixin
from territories.api.serializers import TerritoryDetailURLField
from territories.filters import TerritoryReferenceField as TerritoryReferenceFormField
from territories.models import Territory, TerritoryCategory

from ..dates import DatePrecision, parse_partial_date
from ..exports import DELIMITERS, TABLES
from ..models import Cooperation, Instrument, PartnerRole, Partnership, Source, Theme
from ..services import PartnerInput, SourceInput

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

# One description per field, shared by what the API returns and what staff send.
HELP = {
    "slug": _("Identifiant stable de la fiche, dans ses adresses (API et page web)."),
    "title": _("Titre de la coopération."),
    "summary": _("Résumé en quelques lignes ; null s’il manque."),
    "description": _("Description détaillée ; null si elle manque."),
    "instrument": _("Forme juridique ou contractuelle de la coopération (code)."),
    "instrument_label": _("Libellé de la forme, dans la langue de la requête."),
    "themes": _("Thèmes de la coopération."),
    "status": _("Statut : planned (en projet), active (en cours) ou ended (terminée)."),
    "status_label": _("Libellé du statut, dans la langue de la requête."),
    "start": _(
        "Date de début, à la précision connue : AAAA, AAAA-MM ou AAAA-MM-JJ ; null si inconnue."
    ),
    "start_precision": _("Précision du début : year, month ou day ; null sans date."),
    "end": _(
        "Date de fin, à la précision connue : AAAA, AAAA-MM ou AAAA-MM-JJ ; null si inconnue."
    ),
    "end_precision": _("Précision de la fin : year, month ou day ; null sans date."),
    "governance": _("Gouvernance (instances, pilotage) ; null si non renseignée."),
    "engineering": _("Ingénierie dédiée (personnel, agence) ; null si non renseignée."),
    "funding": _("Financement ; null si non renseigné."),
    "outcomes": _("Réalisations ; null si non renseignées."),
    "difficulties": _("Difficultés rencontrées ; null si non renseignées."),
    "uncertainty_notes": _("Faits incertains ou contradictoires entre les sources ; null sinon."),
    "metropolis": _(
        "Métropole de référence (calculée) : le chef de file s’il est une métropole, sinon "
        "la première métropole partenaire."
    ),
    "partners": _("Territoires partenaires, dans l’ordre de la fiche."),
    "sources": _("Sources citées, pour vérifier la fiche."),
    "origin": _("Provenance de la fiche : manual, import ou survey."),
    "origin_label": _("Libellé de la provenance (par exemple le nom du recensement) ; null sinon."),
    "origin_url": _("Lien vers la provenance ; null sinon."),
    "is_published": _("Vrai si la fiche est publique ; seule l’équipe voit les autres."),
    "created_at": _("Date et heure de création de la fiche."),
    "updated_at": _("Date et heure de la dernière modification (sources comprises)."),
    "url": _("Adresse de la fiche dans l’API."),
    "web_url": _("Adresse de la page web de la fiche sur le portail."),
}


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


# Reading -----------------------------------------------------------------------------------


class ThemeLinkSerializer(serializers.ModelSerializer):
    """A theme named in a cooperation."""

    label = serializers.CharField(
        read_only=True, help_text=_("Libellé du thème, dans la langue de la requête.")
    )

    class Meta:
        model = Theme
        fields = ["code", "label"]
        read_only_fields = fields
        extra_kwargs = {"code": {"help_text": _("Code stable du thème.")}}


class ThemeSerializer(ThemeLinkSerializer):
    """A theme of the taxonomy, with the number of cooperations that have it."""

    cooperation_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Nombre de coopérations de ce thème visibles par le demandeur."),
    )

    class Meta(ThemeLinkSerializer.Meta):
        fields = ["code", "label_fr", "label_en", "label", "cooperation_count"]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": _("Code stable du thème (filtre theme=<code>).")},
            "label_fr": {"help_text": _("Libellé en français.")},
            "label_en": {"help_text": _("Libellé en anglais.")},
        }


class InstrumentSerializer(serializers.Serializer):
    """A form of cooperation, with the number of cooperations that take it."""

    code = serializers.ChoiceField(
        choices=Instrument.choices,
        read_only=True,
        help_text=_("Code stable de la forme (filtre instrument=<code>)."),
    )
    label = serializers.CharField(
        read_only=True, help_text=_("Libellé de la forme, dans la langue de la requête.")
    )
    cooperation_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Nombre de coopérations de cette forme visibles par le demandeur."),
    )


class MetropolisSerializer(serializers.ModelSerializer):
    """The reference métropole of a cooperation."""

    url = TerritoryDetailURLField()

    class Meta:
        model = Territory
        fields = ["kind", "code", "name", "url"]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": _("Type de territoire (epci).")},
            "code": {"help_text": _("SIREN de la métropole.")},
            "name": {"help_text": _("Nom officiel.")},
        }


class PartnerTerritorySerializer(serializers.ModelSerializer):
    """The territory of a partner."""

    siren = BlankAsNullCharField(
        allow_null=True, read_only=True, help_text=_("SIREN ; null quand il n’est pas connu.")
    )
    category = BlankAsNullChoiceField(
        choices=TerritoryCategory.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Catégorie juridique (EPCI et groupements) ; null pour les autres."),
    )
    url = TerritoryDetailURLField()
    web_url = AbsoluteURLField(
        source="get_absolute_url", help_text=_("Adresse de la page web du territoire.")
    )

    class Meta:
        model = Territory
        fields = ["kind", "code", "siren", "name", "category", "url", "web_url"]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": _("Type de territoire.")},
            "code": {"help_text": _("Code INSEE ou SIREN, unique pour un type.")},
            "name": {"help_text": _("Nom officiel.")},
        }


class PartnershipSerializer(serializers.ModelSerializer):
    """A partner of a cooperation: its territory, role and computed relation."""

    territory = PartnerTerritorySerializer(read_only=True)
    role_label = serializers.CharField(
        source="get_role_display",
        read_only=True,
        help_text=_("Libellé du rôle, dans la langue de la requête."),
    )
    relation_label = serializers.CharField(
        source="get_relation_display",
        read_only=True,
        help_text=_("Libellé de la relation, dans la langue de la requête."),
    )
    is_contiguous = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Vrai si le partenaire a une frontière commune avec la métropole de référence "
            "(un point de contact suffit) sans la recouvrir ; null pour la métropole "
            "elle-même ou quand un contour manque."
        ),
    )
    distance_km = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Distance à vol d’oiseau, en km (une décimale), entre les points représentatifs "
            "du partenaire et de la métropole de référence ; null pour la métropole "
            "elle-même ou quand un contour manque."
        ),
    )

    class Meta:
        model = Partnership
        fields = [
            "id",
            "territory",
            "role",
            "role_label",
            "relation",
            "relation_label",
            "is_contiguous",
            "distance_km",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {
                "help_text": _(
                    "Identifiant du partenariat, pour le modifier ou le retirer (…/partners/<id>/)."
                )
            },
            "role": {"help_text": _("Rôle : lead (chef de file), partner ou associate.")},
            "relation": {
                "help_text": _(
                    "Position du partenaire par rapport à la métropole de référence, "
                    "calculée à partir du référentiel géographique."
                )
            },
        }


class SourceSerializer(serializers.ModelSerializer):
    """A citation supporting a cooperation record."""

    publisher = BlankAsNullCharField(
        allow_null=True, read_only=True, help_text=_("Éditeur ; null s’il manque.")
    )
    date = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text=_("Date de publication : AAAA, AAAA-MM ou AAAA-MM-JJ ; null si inconnue."),
    )
    date_precision = BlankAsNullChoiceField(
        source="published_precision",
        choices=DatePrecision.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Précision de la date : year, month ou day ; null sans date."),
    )
    url = BlankAsNullCharField(
        allow_null=True, read_only=True, help_text=_("Adresse de la source ; null sans lien.")
    )
    note = BlankAsNullCharField(
        allow_null=True, read_only=True, help_text=_("Remarque sur la source ; null sinon.")
    )

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "date", "date_precision", "url", "note"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifiant de la source, pour la modifier ou la retirer.")},
            "title": {"help_text": _("Titre du document cité.")},
        }


def _text(name: str, **kwargs):
    return BlankAsNullCharField(allow_null=True, read_only=True, help_text=HELP[name], **kwargs)


def _precision(name: str):
    return BlankAsNullChoiceField(
        choices=DatePrecision.choices, allow_null=True, read_only=True, help_text=HELP[name]
    )


class CooperationSerializer(serializers.ModelSerializer):
    """A cooperation record, as lists and details return it."""

    summary = _text("summary")
    description = _text("description")
    instrument_label = serializers.CharField(
        source="get_instrument_display", read_only=True, help_text=HELP["instrument_label"]
    )
    themes = ThemeLinkSerializer(many=True, read_only=True, help_text=HELP["themes"])
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text=HELP["status_label"]
    )
    start = _text("start")
    start_precision = _precision("start_precision")
    end = _text("end")
    end_precision = _precision("end_precision")
    governance = _text("governance")
    engineering = _text("engineering")
    funding = _text("funding")
    outcomes = _text("outcomes")
    difficulties = _text("difficulties")
    uncertainty_notes = _text("uncertainty_notes")
    metropolis = MetropolisSerializer(read_only=True, allow_null=True, help_text=HELP["metropolis"])
    partners = PartnershipSerializer(
        source="partnerships", many=True, read_only=True, help_text=HELP["partners"]
    )
    sources = SourceSerializer(many=True, read_only=True, help_text=HELP["sources"])
    origin_label = _text("origin_label")
    origin_url = _text("origin_url")
    url = serializers.HyperlinkedIdentityField(
        view_name="cooperation-detail", lookup_field="slug", help_text=HELP["url"]
    )
    web_url = AbsoluteURLField(source="get_absolute_url", help_text=HELP["web_url"])

    class Meta:
        model = Cooperation
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "instrument",
            "instrument_label",
            "themes",
            "status",
            "status_label",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "governance",
            "engineering",
            "funding",
            "outcomes",
            "difficulties",
            "uncertainty_notes",
            "metropolis",
            "partners",
            "sources",
            "origin",
            "origin_label",
            "origin_url",
            "is_published",
            "created_at",
            "updated_at",
            "url",
            "web_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            name: {"help_text": HELP[name]}
            for name in (
                "slug",
                "title",
                "instrument",
                "status",
                "origin",
                "is_published",
                "created_at",
                "updated_at",
            )
        }


class CSVOptionsSerializer(serializers.Serializer):
    """The options of `?format=csv`, as the portal's export link takes them."""

    sep = serializers.ChoiceField(choices=list(DELIMITERS), default="comma")
    table = serializers.ChoiceField(choices=list(TABLES), default="cooperations")


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
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "instrument",
            "themes",
            "status",
            "start",
            "end",
            "governance",
            "engineering",
            "funding",
            "outcomes",
            "difficulties",
            "uncertainty_notes",
            "is_published",
            "origin",
            "origin_label",
            "origin_url",
            "partners",
            "sources",
        ]
        extra_kwargs = {
            "slug": {
                "required": False,
                "help_text": _(
                    "Identifiant dans les adresses ; déduit du titre s’il est omis à la création."
                ),
            },
            **{
                name: {"help_text": HELP[name]}
                for name in (
                    "title",
                    "summary",
                    "description",
                    "instrument",
                    "status",
                    "governance",
                    "engineering",
                    "funding",
                    "outcomes",
                    "difficulties",
                    "uncertainty_notes",
                    "is_published",
                    "origin",
                    "origin_label",
                    "origin_url",
                )
            },
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
