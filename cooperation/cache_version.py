"""One version of the registry for every cached figure (facet counts, statistics).

Cached figures are stored under a key that holds the current version; any write to what
they count — a record, a partner, a source, a theme or a record's themes, a territory or
its containment, a reference-data or contour import (which rewrite partners in bulk,
without save signals), a validated survey response — moves the version on, so the next
request computes afresh and older entries simply expire. The version lives in the shared
cache (`CACHE_URL`), so every process and machine sees the same one.

A version that is not in the cache (first use, cache flushed, key evicted) starts again
from a random value, never from the same one: a figure kept in a process's own memory
under an older version (the facet index, `cooperation.facet_index`) is then never taken
for the current one after the shared cache was emptied.
"""

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "cooperation:registry-version"


def _fresh() -> int:
    # 48 bits: room to be incremented in every cache backend (memcached's 64-bit unsigned,
    # Redis's signed 64-bit integers).
    return secrets.randbits(48)


def registry_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        fresh = _fresh()
        cache.add(VERSION_KEY, fresh, timeout=None)
        version = cache.get(VERSION_KEY, fresh)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.add(VERSION_KEY, _fresh(), timeout=None)


def registry_changed(*args, **kwargs) -> None:
    """Receiver (or call it after a write that sends no signal): move the version on now,
    and again once the transaction commits, so that a request computing meanwhile from
    the old data does not keep its result."""
    _bump()
    transaction.on_commit(_bump)


def connect_invalidation() -> None:
    """Connect `registry_changed` to every write that changes a cached figure."""
    from territories.models import Containment, Territory
    from territories.signals import geometry_imported, reference_data_imported

    from .models import Cooperation, Partnership, Source, Theme

    for model in (Cooperation, Partnership, Source, Theme, Territory, Containment):
        name = model.__name__.lower()
        for signal in (post_save, post_delete):
            signal.connect(registry_changed, sender=model, dispatch_uid=f"registry.{name}")
    m2m_changed.connect(
        registry_changed, sender=Cooperation.themes.through, dispatch_uid="registry.themes"
    )
    reference_data_imported.connect(registry_changed, dispatch_uid="registry.reference_data")
    geometry_imported.connect(registry_changed, dispatch_uid="registry.geometry")
