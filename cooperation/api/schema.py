"""The OpenAPI description of the registry's routes (drf-spectacular): the bodies of their
errors and one decorator per viewset, which cooperation/api/views.py applies, so that a
viewset there reads as its queryset, serializers and filters. What a route does is in the
views; what the schema says of it is here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from config.api.schema import (
    NOT_AUTHENTICATED,
    PAGE_NOT_FOUND,
    PERMISSION_DENIED,
    THROTTLED,
    error_response,
    field_errors_serializer,
    invalid_parameters,
)
from jobs.api.serializers import ExportJobSerializer

from ..exports import DELIMITERS
from ..filters import CooperationFilterSet
from .serializers import (
    CooperationSerializer,
    InstrumentSerializer,
    PartnershipSerializer,
    SourceSerializer,
    ThemeSerializer,
)
from .write_serializers import (
    CooperationWriteSerializer,
    PartnerInputSerializer,
    PartnershipUpdateSerializer,
    SourceInputSerializer,
)

FILTER_ERRORS = field_errors_serializer(
    "CooperationFilterErrors", [*CooperationFilterSet.base_filters, "sep", "table"]
)


def _write_errors(name: str, fields, nested=()):
    """Body of a 400 on a write: one key per invalid field, each a list of messages; for
    the lists in `nested` (partners, sources), either a list of messages about the whole
    list, or an object with the position of each invalid item as key and its field errors
    as value: `{"partners": {"1": {"territory": ["…"]}}}`."""
    messages = {
        field: serializers.ListField(child=serializers.CharField(), required=False)
        for field in [*fields, "non_field_errors"]
    }
    for field in nested:
        messages[field] = serializers.JSONField(
            required=False,
            help_text=_(
                "Liste de messages sur la liste entière, ou objet dont les clés sont les "
                "positions (à partir de 0) des éléments invalides et les valeurs leurs erreurs "
                'par champ, par exemple {"1": {"territory": ["…"]}}.'
            ),
        )
    return OpenApiResponse(
        inline_serializer(name=name, fields=messages),
        description=_(
            "Données invalides : chaque champ en cause, avec ses messages (rien n’est écrit)."
        ),
    )


COOPERATION_WRITE_ERRORS = _write_errors(
    "CooperationWriteErrors",
    [f for f in CooperationWriteSerializer.Meta.fields if f not in ("partners", "sources")],
    nested=("partners", "sources"),
)
PARTNER_WRITE_ERRORS = _write_errors("PartnershipWriteErrors", ["territory", "role"])
SOURCE_WRITE_ERRORS = _write_errors("SourceWriteErrors", list(SourceInputSerializer().fields))
COOPERATION_NOT_FOUND = error_response(
    _("Coopération inconnue, ou non publiée (invisible sans compte de l’équipe).")
)
CHILD_NOT_FOUND = error_response(
    _("Coopération inconnue ou non publiée, ou élément qui n’appartient pas à cette fiche.")
)
READ_ERRORS = {429: THROTTLED}
WRITE_DENIED = {401: NOT_AUTHENTICATED, 403: PERMISSION_DENIED}

CSV_DESCRIPTION = _(
    "Export CSV (UTF-8 avec BOM, séparateur virgule) de toute la sélection filtrée, sans "
    "pagination, envoyé avec sa longueur (Content-Length)."
)
CSV_JOB_DESCRIPTION = _(
    "Sélection trop volumineuse pour un envoi immédiat (plus de EXPORT_JOB_MIN_ROWS "
    "lignes, 200 000 par défaut) : le fichier est préparé en arrière-plan. Location donne "
    "l’adresse à interroger (/api/v1/exports/<id>/), qui redirige vers le fichier une fois "
    "prêt. Sans jeton, renvoyez le cookie de session reçu avec cette réponse."
)


def _written(status: int, serializer, errors, not_found) -> dict:
    """The responses of a write that answers with the record written (`status`)."""
    return {status: serializer, 400: errors, **WRITE_DENIED, 404: not_found}


cooperation_schema = extend_schema_view(
    list=extend_schema(
        summary=_("Lister et filtrer les coopérations"),
        description=_(
            "Liste paginée des coopérations publiées (toutes pour l’équipe), avec les mêmes "
            "filtres que la page /cooperations/ ; ils se combinent. Un paramètre invalide donne "
            "une erreur 400 qui le nomme. Avec format=csv (ou Accept: text/csv), la réponse est "
            "l’export CSV de toute la sélection, sans pagination."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                str,
                OpenApiParameter.QUERY,
                enum=["json", "csv"],
                description=_(
                    "json (par défaut) : liste paginée ; csv : export CSV de toute la sélection "
                    "filtrée (page et page_size sont alors ignorés)."
                ),
            ),
            OpenApiParameter(
                "sep",
                str,
                OpenApiParameter.QUERY,
                enum=list(DELIMITERS),
                description=_(
                    "Avec format=csv : séparateur, comma (par défaut) ou semicolon (Excel en "
                    "français)."
                ),
            ),
            OpenApiParameter(
                "table",
                str,
                OpenApiParameter.QUERY,
                enum=["cooperations", "partnerships"],
                description=_(
                    "Avec format=csv : cooperations (par défaut, une ligne par coopération) ou "
                    "partnerships (une ligne par partenaire)."
                ),
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                CooperationSerializer, description=_("Une page de coopérations.")
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=CSV_DESCRIPTION),
            202: OpenApiResponse(ExportJobSerializer, description=CSV_JOB_DESCRIPTION),
            400: invalid_parameters(FILTER_ERRORS),
            404: PAGE_NOT_FOUND,
            **READ_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary=_("Une coopération, par identifiant"),
        responses={200: CooperationSerializer, 404: COOPERATION_NOT_FOUND, **READ_ERRORS},
    ),
    create=extend_schema(
        summary=_("Créer une coopération (équipe)"),
        description=_(
            'Réservé à l’équipe. Partenaires ({territory: "<type>:<code>", role}) : au moins '
            "une métropole. Thèmes par code. Dates AAAA, AAAA-MM ou AAAA-MM-JJ."
        ),
        request=CooperationWriteSerializer,
        responses={201: CooperationSerializer, 400: COOPERATION_WRITE_ERRORS, **WRITE_DENIED},
    ),
    update=extend_schema(
        summary=_("Remplacer une coopération (équipe)"),
        description=_(
            "Réservé à l’équipe. title, instrument et partners sont requis ; les autres champs "
            "omis gardent leur valeur."
        ),
        request=CooperationWriteSerializer,
        responses=_written(
            200, CooperationSerializer, COOPERATION_WRITE_ERRORS, COOPERATION_NOT_FOUND
        ),
    ),
    partial_update=extend_schema(
        summary=_("Modifier une coopération (équipe)"),
        description=_(
            "Réservé à l’équipe. Seuls les champs envoyés changent ; partners, sources et "
            "themes, s’ils sont envoyés, remplacent les listes actuelles."
        ),
        request=CooperationWriteSerializer,
        responses=_written(
            200, CooperationSerializer, COOPERATION_WRITE_ERRORS, COOPERATION_NOT_FOUND
        ),
    ),
    destroy=extend_schema(
        summary=_("Supprimer une coopération (équipe)"),
        description=_("Réservé à l’équipe. L’historique de la fiche est conservé."),
        responses={204: None, **WRITE_DENIED, 404: COOPERATION_NOT_FOUND},
    ),
)

COOPERATION_SLUG = OpenApiParameter(
    "cooperation_slug",
    str,
    OpenApiParameter.PATH,
    description=_("Identifiant (slug) de la coopération."),
)


def _under_a_cooperation(operations):
    """The routes under /cooperations/<slug>/: every operation takes the parent's slug."""

    def decorate(view):
        return extend_schema(parameters=[COOPERATION_SLUG])(operations(view))

    return decorate


def _child_schema(
    serializer, summaries, *, create, update, errors, update_description=None, destroy_refused=None
):
    """The routes of a record's list under /cooperations/<slug>/ (its partners, its sources):
    `summaries` by action, the request bodies of `create` and `update`, the `errors` of a
    write; `destroy_refused` says when a removal is refused (a 400), if it may be."""
    destroy_errors = {400: errors} if destroy_refused else {}
    return _under_a_cooperation(
        extend_schema_view(
            list=extend_schema(
                summary=summaries["list"],
                responses={200: serializer, 404: COOPERATION_NOT_FOUND, **READ_ERRORS},
            ),
            retrieve=extend_schema(
                summary=summaries["retrieve"],
                responses={200: serializer, 404: CHILD_NOT_FOUND, **READ_ERRORS},
            ),
            create=extend_schema(
                summary=summaries["create"],
                request=create,
                responses=_written(201, serializer, errors, COOPERATION_NOT_FOUND),
            ),
            partial_update=extend_schema(
                summary=summaries["partial_update"],
                description=update_description,
                request=update,
                responses=_written(200, serializer, errors, CHILD_NOT_FOUND),
            ),
            destroy=extend_schema(
                summary=summaries["destroy"],
                description=destroy_refused,
                responses={204: None, **destroy_errors, **WRITE_DENIED, 404: CHILD_NOT_FOUND},
            ),
        )
    )


partnership_schema = _child_schema(
    PartnershipSerializer,
    {
        "list": _("Partenaires d’une coopération"),
        "retrieve": _("Un partenaire d’une coopération"),
        "create": _("Ajouter un partenaire (équipe)"),
        "partial_update": _("Changer le rôle d’un partenaire (équipe)"),
        "destroy": _("Retirer un partenaire (équipe)"),
    },
    create=PartnerInputSerializer,
    update=PartnershipUpdateSerializer,
    errors=PARTNER_WRITE_ERRORS,
    destroy_refused=_(
        "Réservé à l’équipe. Refusé (400) si le retrait ne laisse aucune métropole partenaire."
    ),
)

source_schema = _child_schema(
    SourceSerializer,
    {
        "list": _("Sources d’une coopération"),
        "retrieve": _("Une source d’une coopération"),
        "create": _("Ajouter une source (équipe)"),
        "partial_update": _("Modifier une source (équipe)"),
        "destroy": _("Retirer une source (équipe)"),
    },
    create=SourceInputSerializer,
    update=SourceInputSerializer,
    errors=SOURCE_WRITE_ERRORS,
    update_description=_("Réservé à l’équipe. Seuls les champs envoyés changent."),
)

theme_schema = extend_schema_view(
    list=extend_schema(
        summary=_("Thèmes, avec leur nombre de coopérations"),
        description=_(
            "Tous les thèmes, dans l’ordre de la taxonomie, non paginés. Le nombre ne compte "
            "que les coopérations visibles par le demandeur (publiées, sauf pour l’équipe)."
        ),
        responses={200: ThemeSerializer(many=True), **READ_ERRORS},
    )
)

instrument_schema = extend_schema_view(
    list=extend_schema(
        summary=_("Formes de coopération, avec leur nombre de coopérations"),
        description=_(
            "Toutes les formes, non paginées. Le nombre ne compte que les coopérations "
            "visibles par le demandeur (publiées, sauf pour l’équipe)."
        ),
        responses={200: InstrumentSerializer(many=True), **READ_ERRORS},
    )
)
