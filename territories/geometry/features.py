"""GeoJSON features written around stored outlines.

The outlines are stored as GeoJSON text: a feature is assembled around that text rather
than parsing it and encoding it again, which for a région at full detail (about 90 KB)
would cost more than the rest of the request.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder

_ENCODER = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))


def feature(
    *,
    geometry: str | None,
    properties: dict,
    feature_id: str | None = None,
    bbox: Sequence[float] | None = None,
) -> str:
    """One GeoJSON Feature (RFC 7946) as text; `geometry` is a stored GeoJSON geometry or
    None (a feature without a known shape has a null geometry)."""
    head = ['{"type":"Feature"']
    if feature_id is not None:
        head.append(f'"id":{_ENCODER.encode(feature_id)}')
    if bbox is not None:
        head.append(f'"bbox":{_ENCODER.encode([round(value, 6) for value in bbox])}')
    head.append(f'"geometry":{geometry or "null"}')
    head.append(f'"properties":{_ENCODER.encode(properties)}}}')
    return ",".join(head)
