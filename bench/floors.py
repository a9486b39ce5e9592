"""Hand-written floors for the registry pages measured by `bench/sizes.py`.

Each floor does, in raw SQL through Django's connection, what the page or the API list must
do at the very least, and nothing else (no FilterSet, no ORM, no template, no serializer):

- `/cooperations/` (`page_floor`): the reference lists the facets label (métropoles,
  régions, themes: one query), the count of the selection, the page's 20 rows in the
  default order with their partners and themes, and every facet's counts — each one
  `GROUP BY` over the selection minus that facet's own filter (the page's drill-down
  rule), with `COUNT(DISTINCT record)` where a record can have several partners with the
  same value. Nothing is rendered.
- `/api/v1/cooperations/` (`cooperation_api_floor`): the count, the page's 50 rows with
  their métropole, partners, themes and sources, assembled into dicts and `json.dumps`.
- `/api/v1/territories/?page_size=100` (`territory_api_floor`): the count of current
  territories, the page's 100 rows in the list's order, `json.dumps`.

The selections mirror `CooperationFilterSet` for the filters the bench uses (`q`, `theme`,
`region`), as an anonymous visitor sees them (published records only).
"""

from __future__ import annotations

import json

from django.db import connection

from cooperation.facets import FACETS  # the page's facets: the floor counts each of them

PAGE_SIZE = 20
API_PAGE_SIZE = 50
DISTANCE_CASE = (
    "CASE WHEN p.distance_km < 25 THEN 'under-25' WHEN p.distance_km < 50 THEN '25-50' "
    "WHEN p.distance_km < 100 THEN '50-100' WHEN p.distance_km < 200 THEN '100-200' "
    "ELSE 'over-200' END"
)


def _tables() -> dict[str, str]:
    from cooperation.models import Cooperation, Partnership, Source, Theme
    from territories.models import Containment, Territory

    quote = connection.ops.quote_name
    return {
        "coop": quote(Cooperation._meta.db_table),
        "partner": quote(Partnership._meta.db_table),
        "link": quote(Cooperation.themes.through._meta.db_table),
        "theme": quote(Theme._meta.db_table),
        "source": quote(Source._meta.db_table),
        "territory": quote(Territory._meta.db_table),
        "containment": quote(Containment._meta.db_table),
    }


def _where(filters: dict, without: str | None = None) -> tuple[str, list]:
    """The WHERE clause (on `c`, the cooperation table) of the selection, minus `without`."""
    from territories.text import search_terms

    t = _tables()
    clauses, params = ["c.is_published"], []
    for name, value in filters.items():
        if name == without:
            continue
        if name == "q":
            for term in search_terms(value):
                clauses.append("c.search_text LIKE %s")
                params.append(f"%{term}%")
        elif name == "theme":
            clauses.append(
                f"c.id IN (SELECT l.cooperation_id FROM {t['link']} l "
                f"JOIN {t['theme']} th ON th.id = l.theme_id WHERE th.code = ANY(%s))"
            )
            params.append(list(value))
        elif name == "region":
            clauses.append(
                f"c.id IN (SELECT p.cooperation_id FROM {t['partner']} p "
                f"WHERE p.territory_id IN (SELECT r.id FROM {t['territory']} r "
                "WHERE r.kind = 'region' AND r.code = ANY(%s)) "
                f"OR p.territory_id IN (SELECT cn.content_id FROM {t['containment']} cn "
                f"JOIN {t['territory']} r ON r.id = cn.container_id "
                "WHERE r.kind = 'region' AND r.code = ANY(%s)))"
            )
            params += [list(value), list(value)]
        else:
            raise ValueError(f"No floor for the filter {name!r}")
    return " AND ".join(clauses), params


def _selection(filters: dict, without: str | None = None) -> tuple[str, list]:
    where, params = _where(filters, without)
    return f"SELECT c.id FROM {_tables()['coop']} c WHERE {where}", params


def _facet_sql(name: str, filters: dict) -> tuple[str, list]:
    """One GROUP BY over the selection minus this facet's own filter."""
    t = _tables()
    if name in ("instrument", "status"):
        where, params = _where(filters, without=name)
        return f"SELECT c.{name}, COUNT(*) FROM {t['coop']} c WHERE {where} GROUP BY 1", params
    selection, params = _selection(filters, without=name)
    if name == "theme":
        return (
            f"SELECT l.theme_id, COUNT(*) FROM {t['link']} l "
            f"WHERE l.cooperation_id IN ({selection}) GROUP BY 1",
            params,
        )
    if name == "metropolis":
        return (
            f"SELECT p.territory_id, COUNT(*) FROM {t['partner']} p "
            f"JOIN {t['territory']} m ON m.id = p.territory_id "
            "AND m.kind = 'epci' AND m.category IN ('METRO', 'MET69') "
            f"WHERE p.cooperation_id IN ({selection}) GROUP BY 1",
            params,
        )
    if name in ("partner_kind", "partner_category"):
        column = "t.kind" if name == "partner_kind" else "t.category"
        return (
            f"SELECT {column}, COUNT(DISTINCT p.cooperation_id) FROM {t['partner']} p "
            f"JOIN {t['territory']} t ON t.id = p.territory_id "
            f"WHERE p.cooperation_id IN ({selection}) AND {column} <> '' GROUP BY 1",
            params,
        )
    if name == "relation":
        return (
            f"SELECT p.relation, COUNT(DISTINCT p.cooperation_id) FROM {t['partner']} p "
            f"WHERE p.cooperation_id IN ({selection}) GROUP BY 1",
            params,
        )
    if name == "distance":
        return (
            f"SELECT {DISTANCE_CASE}, COUNT(DISTINCT p.cooperation_id) FROM {t['partner']} p "
            f"WHERE p.cooperation_id IN ({selection}) AND p.distance_km IS NOT NULL GROUP BY 1",
            params,
        )
    if name == "difficulty":
        return _difficulty_sql(filters)
    if name == "region":
        return (
            "SELECT COALESCE(cn.container_id, CASE WHEN t.kind = 'region' THEN t.id END), "
            f"COUNT(DISTINCT p.cooperation_id) FROM {t['partner']} p "
            f"JOIN {t['territory']} t ON t.id = p.territory_id "
            f"LEFT JOIN ({t['containment']} cn JOIN {t['territory']} r "
            "ON r.id = cn.container_id AND r.kind = 'region') ON cn.content_id = p.territory_id "
            f"WHERE p.cooperation_id IN ({selection}) "
            "AND (t.kind = 'region' OR cn.container_id IS NOT NULL) GROUP BY 1",
            params,
        )
    raise ValueError(name)


def _difficulty_sql(filters: dict) -> tuple[str, list]:
    """Records of each type of difficulties: each record's text against each type's regular
    expression (`cooperation.difficulties`, the filter's own; a record may be of several
    types), then "other": a text matching none. Types without records are left out."""
    from cooperation.difficulties import PATTERNS, DifficultyType

    t = _tables()
    where, params = _where(filters, without="difficulty")
    values = ", ".join(["(%s, %s)"] * len(PATTERNS))
    matches_any = " OR ".join(["c.difficulties ~ %s"] * len(PATTERNS))
    return (
        f"SELECT k.kind, COUNT(*) FROM {t['coop']} c "
        f"JOIN (VALUES {values}) AS k(kind, pattern) ON c.difficulties ~ k.pattern "
        f"WHERE {where} GROUP BY 1 "
        f"UNION ALL SELECT %s, COUNT(*) FROM {t['coop']} c WHERE {where} "
        f"AND c.difficulties <> '' AND NOT ({matches_any}) HAVING COUNT(*) > 0",
        [
            *(part for pair in PATTERNS.items() for part in pair),
            *params,
            DifficultyType.OTHER.value,
            *params,
            *PATTERNS.values(),
        ],
    )


def _page_rows(cursor, filters: dict, page: int, per_page: int, columns: str) -> list[tuple]:
    t = _tables()
    where, params = _where(filters)
    cursor.execute(
        f"SELECT {columns} FROM {t['coop']} c WHERE {where} "
        "ORDER BY c.start_date DESC NULLS LAST, c.title, c.id LIMIT %s OFFSET %s",
        [*params, per_page, (page - 1) * per_page],
    )
    return cursor.fetchall()


def _count(cursor, filters: dict) -> int:
    where, params = _where(filters)
    cursor.execute(f"SELECT COUNT(*) FROM {_tables()['coop']} c WHERE {where}", params)
    return cursor.fetchone()[0]


def page_floor(filters: dict, page: int = 1) -> dict:
    """What `/cooperations/?…` must compute at the least; returns the count and facets."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, kind, code, name FROM {t['territory']} "
            "WHERE kind = 'region' OR (kind = 'epci' AND category IN ('METRO', 'MET69')) "
            f"UNION ALL SELECT id, 'theme', code, label_fr FROM {t['theme']}"
        )
        cursor.fetchall()
        count = _count(cursor, filters)
        rows = _page_rows(
            cursor,
            filters,
            page,
            PAGE_SIZE,
            "c.id, c.slug, c.title, c.summary, c.instrument, c.status, c.start_date, "
            "c.start_precision, c.metropolis_id",
        )
        ids = [row[0] for row in rows]
        cursor.execute(
            f"SELECT p.cooperation_id, t.kind, t.code, t.name, p.role FROM {t['partner']} p "
            f"JOIN {t['territory']} t ON t.id = p.territory_id "
            "WHERE p.cooperation_id = ANY(%s) ORDER BY p.cooperation_id, p.position",
            [ids],
        )
        cursor.fetchall()
        cursor.execute(
            f"SELECT l.cooperation_id, th.code, th.label_fr FROM {t['link']} l "
            f"JOIN {t['theme']} th ON th.id = l.theme_id WHERE l.cooperation_id = ANY(%s)",
            [ids],
        )
        cursor.fetchall()
        facets = {}
        for name in FACETS:
            sql, params = _facet_sql(name, filters)
            cursor.execute(sql, params)
            facets[name] = dict(cursor.fetchall())
    return {"count": count, "rows": len(rows), "facets": facets}


API_COLUMNS = (
    "c.id, c.slug, c.title, c.summary, c.description, c.instrument, c.status, "
    "c.start_date, c.start_precision, c.end_date, c.end_precision, c.governance, "
    "c.engineering, c.funding, c.outcomes, c.difficulties, c.uncertainty_notes, "
    "c.origin, c.origin_label, c.origin_url, c.is_published, c.created_at, "
    "c.updated_at"
)
API_KEYS = (
    *("slug", "title", "summary", "description", "instrument", "status", "start"),
    *("start_precision", "end", "end_precision", "governance", "engineering", "funding"),
    *("outcomes", "difficulties", "uncertainty_notes", "origin", "origin_label"),
    *("origin_url", "is_published", "created_at", "updated_at"),
)
PARTNER_KEYS = ("kind", "code", "siren", "name", "category", "role", "relation", "km")
SOURCE_KEYS = ("id", "title", "publisher", "date", "date_precision", "url", "note")


def _by_record(cursor, sql: str, ids: list[int]) -> dict[int, list]:
    """The rows of `sql` (the record's id first), grouped by record."""
    cursor.execute(sql, [ids])
    grouped: dict[int, list] = {}
    for pk, *values in cursor.fetchall():
        grouped.setdefault(pk, []).append(values)
    return grouped


def _api_children(cursor, ids: list[int]) -> dict[str, dict]:
    """The métropole, partners, themes and sources of the records `ids`, by record."""
    t = _tables()
    cursor.execute(
        f"SELECT c.id, m.kind, m.code, m.name FROM {t['coop']} c "
        f"JOIN {t['territory']} m ON m.id = c.metropolis_id WHERE c.id = ANY(%s)",
        [ids],
    )
    metropolises = {row[0]: row[1:] for row in cursor.fetchall()}
    partners = _by_record(
        cursor,
        f"SELECT p.cooperation_id, t.kind, t.code, t.siren, t.name, t.category, p.role, "
        f"p.relation, p.distance_km FROM {t['partner']} p "
        f"JOIN {t['territory']} t ON t.id = p.territory_id "
        "WHERE p.cooperation_id = ANY(%s) ORDER BY p.cooperation_id, p.position",
        ids,
    )
    themes = _by_record(
        cursor,
        f"SELECT l.cooperation_id, th.code, th.label_fr FROM {t['link']} l "
        f"JOIN {t['theme']} th ON th.id = l.theme_id WHERE l.cooperation_id = ANY(%s) "
        "ORDER BY th.position, th.code",
        ids,
    )
    sources = _by_record(
        cursor,
        f"SELECT cooperation_id, id, title, publisher, published_on, published_precision, "
        f"url, note FROM {t['source']} WHERE cooperation_id = ANY(%s) "
        "ORDER BY cooperation_id, position, id",
        ids,
    )
    return {"metropolis": metropolises, "partners": partners, "themes": themes, "sources": sources}


def _api_record(row: tuple, children: dict[str, dict]) -> dict:
    pk = row[0]
    record = dict(zip(API_KEYS, row[1:23], strict=True))
    metropolis = children["metropolis"].get(pk)
    record["metropolis"] = (
        dict(zip(("kind", "code", "name"), metropolis, strict=True)) if metropolis else None
    )
    record["partners"] = [
        dict(zip(PARTNER_KEYS, partner, strict=True))
        for partner in children["partners"].get(pk, [])
    ]
    record["themes"] = [
        {"code": code, "label": label} for code, label in children["themes"].get(pk, [])
    ]
    record["sources"] = [
        dict(zip(SOURCE_KEYS, source, strict=True)) for source in children["sources"].get(pk, [])
    ]
    return record


def cooperation_api_floor(page: int = 1, filters: dict | None = None) -> dict:
    """What `/api/v1/cooperations/?page=…` must compute at the least: count, the page's
    records with their métropole, partners, themes and sources, JSON."""
    filters = filters or {}
    with connection.cursor() as cursor:
        count = _count(cursor, filters)
        rows = _page_rows(cursor, filters, page, API_PAGE_SIZE, API_COLUMNS)
        children = _api_children(cursor, [row[0] for row in rows])
    results = [_api_record(row, children) for row in rows]
    body = json.dumps({"count": count, "results": results}, default=str)
    return {"count": count, "rows": len(results), "bytes": len(body)}


def territory_api_floor(page: int = 1, page_size: int = 100) -> dict:
    """What `/api/v1/territories/?page_size=…&page=…` must compute at the least: count of
    current territories, the page's rows in the list's order, JSON."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {t['territory']} WHERE NOT is_obsolete")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT kind, code, siren, name, category, population, is_obsolete "
            f"FROM {t['territory']} WHERE NOT is_obsolete "
            "ORDER BY search_name, code, id LIMIT %s OFFSET %s",
            [page_size, (page - 1) * page_size],
        )
        keys = ("kind", "code", "siren", "name", "category", "population", "is_obsolete")
        results = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    body = json.dumps({"count": count, "results": results}, default=str)
    return {"count": count, "rows": len(results), "bytes": len(body)}


def facets_match_floor(query: str, filters: dict) -> bool:
    """Whether the page's facet counts (computed, not cached) equal the floor's."""
    from unittest import mock

    from django.http import QueryDict

    from cooperation.facets import facets_for
    from cooperation.filters import CooperationFilterSet
    from cooperation.models import Cooperation, Theme
    from territories.models import Territory

    with mock.patch("cooperation.facets.cache", dummy_cache()):
        page = facets_for(
            CooperationFilterSet(QueryDict(query), queryset=Cooperation.objects.visible_to(None))
        )
    floor = page_floor(filters)["facets"]
    codes = dict(Theme.objects.values_list("pk", "code"))
    codes_by_kind = {"theme": codes, "metropolis": None, "region": None}
    for name, facet in page.items():
        counted = floor[name]
        if name in codes_by_kind:
            keys = codes_by_kind[name] or dict(
                Territory.objects.filter(pk__in=list(counted)).values_list("pk", "code")
            )
            counted = {keys[key]: count for key, count in counted.items()}
        if {o.value: o.count for o in facet.options if o.count} != counted:
            return False
    return True


def dummy_cache():
    from django.core.cache.backends.dummy import DummyCache

    return DummyCache("dummy", {})
