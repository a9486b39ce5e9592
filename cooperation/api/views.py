"""The registry in /api/v1/: cooperations (with their partners and sources), themes and
instruments.

Who sees what is decided in one place, `Cooperation.objects.visible_to(user)`: every
queryset below starts from it, so an unpublished record is a 404 for the public on every
route (list, detail, nested routes, CSV). Who may write is the default permission class,
config.api.permissions.IsStaffOrReadOnly. Writes go through cooperation.services."""

from dataclasses import replace

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.schema import (
    NOT_AUTHENTICATED,
    PERMISSION_DENIED,
    THROTTLED,
    error_response,
    field_errors_serializer,
)
from jobs.api.serializers import ExportJobSerializer
from jobs.api.views import accepted
from jobs.downloads import export_now_or_later
from jobs.models import ExportJob

from ..export_requests import RegistryExport
from ..exports import DELIMITERS
from ..filters import CooperationFilterSet
from ..models import Cooperation, Instrument, Partnership, Source, Theme
from ..services import (
    SourceInput,
    cooperation_create,
    cooperation_delete,
    cooperation_update,
    partnership_add,
    partnership_remove,
    partnership_update,
    source_add,
    source_remove,
    source_update,
)
from .citations import CitationActionsMixin
from .renderers import CSVRenderer
from .serializers import (
    CooperationSerializer,
    CooperationWriteSerializer,
    CSVOptionsSerializer,
    InstrumentSerializer,
    PartnerInputSerializer,
    PartnershipSerializer,
    PartnershipUpdateSerializer,
    SourceInputSerializer,
    SourceSerializer,
    ThemeSerializer,
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
WRITE_METHODS = ("POST", "PUT", "PATCH")
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


@extend_schema_view(
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
            400: OpenApiResponse(
                FILTER_ERRORS,
                description=_("Paramètre invalide : chaque paramètre en cause, avec ses messages."),
            ),
            404: error_response(_("Page inexistante.")),
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
        responses={
            200: CooperationSerializer,
            400: COOPERATION_WRITE_ERRORS,
            **WRITE_DENIED,
            404: COOPERATION_NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        summary=_("Modifier une coopération (équipe)"),
        description=_(
            "Réservé à l’équipe. Seuls les champs envoyés changent ; partners, sources et "
            "themes, s’ils sont envoyés, remplacent les listes actuelles."
        ),
        request=CooperationWriteSerializer,
        responses={
            200: CooperationSerializer,
            400: COOPERATION_WRITE_ERRORS,
            **WRITE_DENIED,
            404: COOPERATION_NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary=_("Supprimer une coopération (équipe)"),
        description=_("Réservé à l’équipe. L’historique de la fiche est conservé."),
        responses={204: None, **WRITE_DENIED, 404: COOPERATION_NOT_FOUND},
    ),
)
class CooperationViewSet(CitationActionsMixin, viewsets.ModelViewSet):
    """Cooperation records: public reads of published records, staff writes."""

    lookup_field = "slug"
    filterset_class = CooperationFilterSet

    def get_queryset(self):
        visible = Cooperation.objects.visible_to(self.request.user)
        if self.action in ("list", "retrieve"):
            return visible.with_related()
        # Writes get a fresh record without prefetched relations the services will change.
        return visible

    def get_serializer_class(self):
        # Staff send one shape and read another; by method rather than action, so that
        # OPTIONS and the browsable API's forms describe what to send.
        if self.request is not None and self.request.method in WRITE_METHODS:
            return CooperationWriteSerializer
        return CooperationSerializer

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def get_object(self):
        # Not filter_queryset(): the list's filters do not apply to a record's own address.
        cooperation = get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])
        self.check_object_permissions(self.request, cooperation)
        return cooperation

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CSVRenderer.format:
            CSVOptionsSerializer(data=request.query_params).is_valid(raise_exception=True)
            export = RegistryExport.for_request(request, "csv", query=request.query_params)
            if not export.filterset.is_valid():
                raise translate_validation(export.filterset.errors)
            result = export_now_or_later(request, export)
            if isinstance(result, ExportJob):
                return accepted(request, result)
            return result
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cooperation = cooperation_create(user=request.user, **serializer.validated_data)
        data = self._representation(cooperation)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def update(self, request, *args, **kwargs):
        cooperation = self.get_object()
        serializer = self.get_serializer(
            cooperation, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        cooperation_update(cooperation=cooperation, user=request.user, **serializer.validated_data)
        return Response(self._representation(cooperation))

    def destroy(self, request, *args, **kwargs):
        cooperation_delete(cooperation=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(self, request, response, *args, **kwargs):
        # A CSV export is a FileResponse; any Response here is JSON: an error (invalid filter,
        # throttling…) or the 202 of a large export, whatever the client asked for.
        accepted = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and isinstance(accepted, CSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _representation(self, cooperation: Cooperation) -> dict:
        fresh = Cooperation.objects.with_related().get(pk=cooperation.pk)
        return CooperationSerializer(fresh, context=self.get_serializer_context()).data


COOPERATION_SLUG = OpenApiParameter(
    "cooperation_slug",
    str,
    OpenApiParameter.PATH,
    description=_("Identifiant (slug) de la coopération."),
)


class CooperationChildViewSet(viewsets.GenericViewSet):
    """Routes under /cooperations/<slug>/: the parent record is looked up among those the
    requester may see, so the nested routes of an unpublished record are 404 for the
    public, like the record itself. Short lists: not paginated, not filtered."""

    pagination_class = None
    filter_backends = []
    lookup_value_regex = r"[0-9]+"
    # What a client reads, and what it sends with each method.
    read_serializer_class: type[serializers.Serializer]
    write_serializer_classes: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        method = self.request.method if self.request is not None else "GET"
        return self.write_serializer_classes.get(method, self.read_serializer_class)

    def representation(self, instance) -> dict:
        return self.read_serializer_class(instance, context=self.get_serializer_context()).data

    def get_cooperation(self) -> Cooperation:
        if not hasattr(self, "_cooperation"):
            self._cooperation = get_object_or_404(
                Cooperation.objects.visible_to(self.request.user),
                slug=self.kwargs["cooperation_slug"],
            )
        return self._cooperation


@extend_schema(parameters=[COOPERATION_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary=_("Partenaires d’une coopération"),
        responses={200: PartnershipSerializer, 404: COOPERATION_NOT_FOUND, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Un partenaire d’une coopération"),
        responses={200: PartnershipSerializer, 404: CHILD_NOT_FOUND, **READ_ERRORS},
    ),
    create=extend_schema(
        summary=_("Ajouter un partenaire (équipe)"),
        request=PartnerInputSerializer,
        responses={
            201: PartnershipSerializer,
            400: PARTNER_WRITE_ERRORS,
            **WRITE_DENIED,
            404: COOPERATION_NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        summary=_("Changer le rôle d’un partenaire (équipe)"),
        request=PartnershipUpdateSerializer,
        responses={
            200: PartnershipSerializer,
            400: PARTNER_WRITE_ERRORS,
            **WRITE_DENIED,
            404: CHILD_NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary=_("Retirer un partenaire (équipe)"),
        description=_(
            "Réservé à l’équipe. Refusé (400) si le retrait ne laisse aucune métropole partenaire."
        ),
        responses={
            204: None,
            400: PARTNER_WRITE_ERRORS,
            **WRITE_DENIED,
            404: CHILD_NOT_FOUND,
        },
    ),
)
class PartnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CooperationChildViewSet):
    """The partners of a cooperation; adding, changing the role and removing are for staff."""

    read_serializer_class = PartnershipSerializer
    write_serializer_classes = {
        "POST": PartnerInputSerializer,
        "PATCH": PartnershipUpdateSerializer,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no parent
            return Partnership.objects.none()
        return (
            self.get_cooperation()
            .partnerships.select_related("territory")
            .order_by("position", "id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = partnership_add(
            cooperation=self.get_cooperation(), user=request.user, **serializer.validated_data
        )
        return Response(self.representation(partnership), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        partnership = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = partnership_update(
            partnership=partnership, user=request.user, **serializer.validated_data
        )
        return Response(self.representation(partnership))

    def destroy(self, request, *args, **kwargs):
        partnership_remove(partnership=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[COOPERATION_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary=_("Sources d’une coopération"),
        responses={200: SourceSerializer, 404: COOPERATION_NOT_FOUND, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Une source d’une coopération"),
        responses={200: SourceSerializer, 404: CHILD_NOT_FOUND, **READ_ERRORS},
    ),
    create=extend_schema(
        summary=_("Ajouter une source (équipe)"),
        request=SourceInputSerializer,
        responses={
            201: SourceSerializer,
            400: SOURCE_WRITE_ERRORS,
            **WRITE_DENIED,
            404: COOPERATION_NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        summary=_("Modifier une source (équipe)"),
        description=_("Réservé à l’équipe. Seuls les champs envoyés changent."),
        request=SourceInputSerializer,
        responses={
            200: SourceSerializer,
            400: SOURCE_WRITE_ERRORS,
            **WRITE_DENIED,
            404: CHILD_NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary=_("Retirer une source (équipe)"),
        responses={204: None, **WRITE_DENIED, 404: CHILD_NOT_FOUND},
    ),
)
class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CooperationChildViewSet):
    """The sources of a cooperation; adding, changing and removing are for staff."""

    read_serializer_class = SourceSerializer
    write_serializer_classes = {"POST": SourceInputSerializer, "PATCH": SourceInputSerializer}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no parent
            return Source.objects.none()
        return self.get_cooperation().sources.order_by("position", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = source_add(
            cooperation=self.get_cooperation(),
            source=SourceInput(**serializer.validated_data),
            user=request.user,
        )
        return Response(self.representation(source), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        source = source_update(
            source=source,
            changes=replace(SourceInput.from_source(source), **serializer.validated_data),
            user=request.user,
        )
        return Response(self.representation(source))

    def destroy(self, request, *args, **kwargs):
        source_remove(source=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary=_("Thèmes, avec leur nombre de coopérations"),
        description=_(
            "Tous les thèmes, dans l’ordre de la taxonomie, non paginés. Le nombre ne compte "
            "que les coopérations visibles par le demandeur (publiées, sauf pour l’équipe)."
        ),
        responses={200: ThemeSerializer(many=True), **READ_ERRORS},
    )
)
class ThemeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The theme taxonomy (read-only)."""

    serializer_class = ThemeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        visible = Cooperation.objects.visible_to(self.request.user)
        # Explicit order: Meta.ordering does not apply to an aggregated (GROUP BY) query.
        return Theme.objects.with_cooperation_count(visible).order_by("position", "code")


@extend_schema_view(
    list=extend_schema(
        summary=_("Formes de coopération, avec leur nombre de coopérations"),
        description=_(
            "Toutes les formes, non paginées. Le nombre ne compte que les coopérations "
            "visibles par le demandeur (publiées, sauf pour l’équipe)."
        ),
        responses={200: InstrumentSerializer(many=True), **READ_ERRORS},
    )
)
class InstrumentViewSet(viewsets.ViewSet):
    """The forms a cooperation takes (a fixed list of choices, not a table; read-only)."""

    def list(self, request, *args, **kwargs):
        counts = Cooperation.objects.visible_to(request.user).instrument_counts()
        rows = [
            {"code": code, "label": label, "cooperation_count": counts.get(code, 0)}
            for code, label in Instrument.choices
        ]
        return Response(InstrumentSerializer(rows, many=True).data)
