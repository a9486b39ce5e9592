"""Cache keys of the network: the measures of a selection are kept in the shared cache
under a key made of who looks (public or staff), the selection (its query string, without
the table's sort and page) and the registry's version — the number of visible records and
their latest `updated_at`, which moves with any change to a record, its partners or its
sources — and the shared registry version (`cooperation.cache_version`, moved on too by a
validated survey response, which changes the edges' reciprocity), so a write is seen on
the next request and nothing needs invalidating."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max

from ..cache_version import registry_version as shared_registry_version
from ..models import Cooperation
from .exports import network_payload
from .graph import CACHE_SECONDS, network_build

# Parameters that change how the network is shown, not which network it is.
PRESENTATION_PARAMETERS = {"sort", "page", "format", "vue"}


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def registry_version(user) -> str:
    """One aggregate query: how many records `user` may see, and the latest change."""
    figures = (
        Cooperation.objects.visible_to(user)
        .order_by()
        .aggregate(count=Count("pk"), latest=Max("updated_at"))
    )
    latest = figures["latest"].isoformat() if figures["latest"] else "-"
    return f"{figures['count']}:{latest}"


def selection_cache_key(request) -> str:
    """The key of the measures of the selection that `request`'s query string makes."""
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in PRESENTATION_PARAMETERS
        for value in values
    )
    scope = "staff" if is_staff(request.user) else "public"
    # The shared version also moves when a survey response is validated, which changes
    # the edges' reciprocity but no record.
    versions = (registry_version(request.user), shared_registry_version())
    digest = hashlib.sha256(repr((scope, versions, query)).encode())
    return f"network:selection:{digest.hexdigest()}"


def network_document(cooperations, request) -> dict:
    """The JSON document of the network of `cooperations` (the selection `request`'s query
    string makes), from the shared cache when this selection was asked for since the last
    write: the API and the JSON export then cost one aggregate query and a cache read."""
    key = selection_cache_key(request)
    document = cache.get(f"{key}:document")
    if document is None:
        document = network_payload(network_build(cooperations, cache_key=key))
        cache.set(f"{key}:document", document, CACHE_SECONDS)
    return document
