"""The registry in /api/v1/: cooperations (with their partners and sources), themes and
instruments.

Who sees what is decided in one place, `Cooperation.objects.visible_to(user)`: every
queryset below starts from it, so an unpublished record is a 404 for the public on every
route (list, detail, nested routes, CSV). Who may write is the default permission class,
config.api.permissions.IsStaffOrReadOnly. Writes go through cooperation.services."""

from dataclasses import replace

from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.representation import PageRows
from jobs.api.views import accepted
from jobs.downloads import export_now_or_later
from jobs.models import ExportJob

from ..export_requests import RegistryExport
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
from . import listing
from .citations import CitationActionsMixin
from .renderers import CSVRenderer
from .schema import (
    cooperation_schema,
    instrument_schema,
    partnership_schema,
    source_schema,
    theme_schema,
)
from .serializers import (
    CooperationSerializer,
    CSVOptionsSerializer,
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

WRITE_METHODS = ("POST", "PUT", "PATCH")


@cooperation_schema
class CooperationViewSet(CitationActionsMixin, viewsets.ModelViewSet):
    """Cooperation records: public reads of published records, staff writes."""

    lookup_field = "slug"
    filterset_class = CooperationFilterSet

    def get_queryset(self):
        visible = Cooperation.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            return visible.with_related()
        # The list reads its page as tuples (listing.py); writes get a fresh record without
        # prefetched relations the services will change.
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
        rows = PageRows(self.filter_queryset(self.get_queryset()), listing.COLUMNS)
        page = self.paginate_queryset(rows)
        items = listing.CooperationItems(request, self.format_kwarg).build(
            rows[:] if page is None else page
        )
        return Response(items) if page is None else self.get_paginated_response(items)

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


@partnership_schema
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


@source_schema
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


@theme_schema
class ThemeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The theme taxonomy (read-only)."""

    serializer_class = ThemeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        visible = Cooperation.objects.visible_to(self.request.user)
        # Explicit order: Meta.ordering does not apply to an aggregated (GROUP BY) query.
        return Theme.objects.with_cooperation_count(visible).order_by("position", "code")


@instrument_schema
class InstrumentViewSet(viewsets.ViewSet):
    """The forms a cooperation takes (a fixed list of choices, not a table; read-only)."""

    def list(self, request, *args, **kwargs):
        counts = Cooperation.objects.visible_to(request.user).instrument_counts()
        rows = [
            {"code": code, "label": label, "cooperation_count": counts.get(code, 0)}
            for code, label in Instrument.choices
        ]
        return Response(InstrumentSerializer(rows, many=True).data)
