"""Representations of the registry that /api/v1/ returns (the schema of every read, and
the detail's serializer; the list builds the same JSON in `listing.py`). What staff send
to write: write_serializers.py."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.fields import AbsoluteURLField, BlankAsNullCharField, BlankAsNullChoiceField
from territories.api.serializers import (
    TerritoryDetailURLField,
)
from territories.models import Territory, TerritoryCategory

from ..dates import DatePrecision
from ..exports import DELIMITERS, TABLES
from ..models import Cooperation, Instrument, Partnership, Source, Theme

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
