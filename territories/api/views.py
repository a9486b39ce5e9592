from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.representation import PageRows

from ..filters import TerritoryFilterSet
from ..models import Territory, TerritoryKind
from . import listing
from .csv import CSVRenderer, csv_response
from .geojson import GeoJSONRenderer, feature_response, requested_detail
from .schema import territory_schema
from .serializers import TerritoryDetailSerializer, TerritorySerializer


@territory_schema
class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The reference geography, read-only and public.

    No write handler exists, so a write is 405 for anyone, signed in or not."""

    permission_classes = [permissions.AllowAny]
    filterset_class = TerritoryFilterSet
    # The detail is addressed by kind and code, as the HTML pages are; see config.api.routers.
    lookup_regex = rf"(?P<kind>{'|'.join(TerritoryKind.values)})/(?P<code>[^/.]+)"

    def get_queryset(self):
        if self.action == "retrieve":
            containers = Territory.objects.ordered_by_level()
            return Territory.objects.select_related("geometry").prefetch_related(
                Prefetch("containers", queryset=containers)
            )
        if self.action == "geometry":
            return Territory.objects.select_related("geometry")
        return Territory.objects.all()

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CSVRenderer.format:
            return csv_response(request, self.filter_queryset(self.get_queryset()))
        rows = PageRows(self.filter_queryset(self.get_queryset()), listing.COLUMNS)
        page = self.paginate_queryset(rows)
        items = listing.territory_items(
            rows[:] if page is None else page, request, self.format_kwarg
        )
        return Response(items) if page is None else self.get_paginated_response(items)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TerritoryDetailSerializer
        return TerritorySerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).with_stable_order()

    def get_object(self):
        # Not filter_queryset(): the list's filters, including its default hiding of obsolete
        # territories, do not apply to a territory's own address.
        territory = get_object_or_404(
            self.get_queryset(), kind=self.kwargs["kind"], code=self.kwargs["code"].upper()
        )
        self.check_object_permissions(self.request, territory)
        return territory

    def retrieve(self, request, *args, **kwargs):
        territory = self.get_object()
        contents = Territory.objects.contained_in(territory).current()
        territory.contents_count = {row["kind"]: row["count"] for row in contents.kind_counts()}
        territory.neighbours = list(Territory.objects.neighbours_of(territory).ordered_by_level())
        return Response(self.get_serializer(territory).data)

    def finalize_response(self, request, response, *args, **kwargs):
        # Only the feature itself (an HttpResponse built by feature_response) is GeoJSON:
        # errors and OPTIONS metadata are plain JSON, even when the client asked for GeoJSON,
        # named an unknown format or used a method the endpoint lacks.
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and (
            renderer is None or isinstance(renderer, GeoJSONRenderer | CSVRenderer)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @action(
        detail=True,
        url_path="geometry",
        url_name="geometry",
        renderer_classes=[GeoJSONRenderer, JSONRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def geometry(self, request, *args, **kwargs):
        """The stored outline, sent as it is stored (never parsed and re-encoded)."""
        detail = requested_detail(request)
        territory = self.get_object()
        if territory.geometry_or_none is None:
            raise NotFound(_("Aucun contour n’est chargé pour ce territoire."))
        return feature_response(territory, detail=detail, request=request)
