"""The GeoJSON export of a selection of cooperations: a FeatureCollection with one feature
per partner, its contour (simplified to about 1 km, the France-scale outline; null when
none is loaded) and, as properties, the columns of the `partnerships` table after those of
the `cooperations` table (see docs/data-dictionary.md).

Streamed like the CSV and JSON exports: records come `chunk_size` at a time from
`export_records.iter_records`, and the contours of each chunk's partners in one more query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet

from territories.geometry.features import feature
from territories.models import TerritoryGeometry

from .export_records import CHUNK_SIZE, ChunkHook, ExportRecord, RowContext, iter_records
from .exports import (
    COOPERATION_COLUMNS,
    NULLABLE_IN_JSON,
    PARTNERSHIP_COLUMNS,
    cooperation_values,
    partnership_values,
)

_STREAM_BLOCK = 64 * 1024


def stream_geojson(
    queryset: QuerySet,
    *,
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
) -> Iterator[bytes]:
    """The FeatureCollection, in blocks of bytes; nothing is read before the first block
    is asked for. `on_chunk` sees each chunk of records as it is loaded."""
    return _blocks(queryset, base_url, chunk_size, on_chunk)


def _blocks(queryset, base_url, chunk_size, on_chunk):
    context = RowContext(base_url)
    parts, size, separator = ['{"type":"FeatureCollection","features":['], 0, "\n"
    records = iter_records(queryset, chunk_size=chunk_size, on_chunk=on_chunk)
    for chunk in _chunks(records, chunk_size):
        outlines = dict(
            TerritoryGeometry.objects.filter(
                territory_id__in={p.territory_id for record in chunk for p in record.partners}
            ).values_list("territory_id", "outline_low")
        )
        for record in chunk:
            shared = dict(
                zip(COOPERATION_COLUMNS, cooperation_values(record, context), strict=True)
            )
            for partner in record.partners:
                values = partnership_values(record, partner, context)
                properties = {**shared, **dict(zip(PARTNERSHIP_COLUMNS, values, strict=True))}
                for name in NULLABLE_IN_JSON:  # as in the JSON export
                    properties[name] = properties[name] or None
                text = feature(
                    geometry=outlines.get(partner.territory_id),
                    properties=properties,
                    feature_id=f"{record.cooperation.slug}/{partner.kind}:{partner.code}",
                )
                parts.append(separator + text)
                separator = ",\n"
                size += len(text)
                if size >= _STREAM_BLOCK:
                    yield "".join(parts).encode("utf-8")
                    parts.clear()
                    size = 0
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


def _chunks(records: Iterable[ExportRecord], size: int) -> Iterator[list[ExportRecord]]:
    records = iter(records)
    while chunk := list(islice(records, size)):
        yield chunk
