"""Cached statistics, invalidated by every write to the registry.

Counts are stored in Django's shared cache under a key made of the registry's version
(`cooperation.cache_version`: every write to a record, a partner, a source or the
geography moves it on), the scope (public or staff: they see different records), the
language (labels) and the filters.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from ..cache_version import registry_version
from ..filters import CooperationFilterSet
from ..models import Cooperation
from .tables import compute, filter_query

TIMEOUT = getattr(settings, "STATISTICS_CACHE_SECONDS", 24 * 3600)


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def cache_key(filterset: CooperationFilterSet, user) -> str:
    query = filter_query(filterset.data).urlencode()
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    scope = "staff" if is_staff(user) else "public"
    return f"cooperation:statistics:{registry_version()}:{scope}:{get_language()}:{digest}"


def cached_statistics(filterset: CooperationFilterSet, user) -> dict:
    """`compute(filterset)`, from the cache when the registry has not changed since."""
    key = cache_key(filterset, user)
    result = cache.get(key)
    if result is None:
        result = compute(filterset, base=Cooperation.objects.visible_to(user))
        cache.set(key, result, timeout=TIMEOUT)
    return result
