"""The synthetic registry of the benches that need hundreds of thousands of records
(`exports.py`, `sizes.py`): the rows of each record, built the same way, and written with
PostgreSQL's COPY FROM — orders of magnitude faster than the ORM at that size."""

from __future__ import annotations

import io

GOVERNANCE = "Comité de pilotage semestriel ; comité technique mensuel."
FUNDING = "Cofinancement à parts égales."
COOPERATION_COLUMNS = [
    *("id", "title", "slug", "summary", "description", "instrument", "status"),
    *("start_date", "start_precision", "end_date", "end_precision", "governance"),
    *("engineering", "funding", "outcomes", "difficulties", "uncertainty_notes"),
    *("is_published", "origin", "origin_label", "origin_url", "metropolis_id"),
    *("search_text", "created_at", "updated_at"),
]
PARTNERSHIP_COLUMNS = ["cooperation_id", "territory_id", "role", "relation", "position"]
THEME_LINK_COLUMNS = ["cooperation_id", "theme_id"]
SOURCE_COLUMNS = [
    *("cooperation_id", "title", "publisher", "published_on", "published_precision"),
    *("url", "note", "position"),
]


def partner_pools(candidates: dict) -> dict:
    """Each métropole's candidate partners, once each (an EPCI can be in two groups: same
    département, same région), the métropole itself left out."""
    return {
        m: [t for t in dict.fromkeys(t for group in candidates[m] for t in group) if t != m]
        for m in candidates
    }


def record_title(index: int, metropolis, partners) -> str:
    return f"Coopération n° {index} — {metropolis.name} et " + " / ".join(p.name for p in partners)


class RegistryRows:
    """The rows of the four tables, record after record, ready for `copy()`. `containers`:
    `cooperation.geography.containers_by_territory()` of every territory involved;
    `relations`: (territory, métropole) -> relation, computed once per pair, and kept
    from one batch to the next when the caller passes its own."""

    def __init__(self, containers: dict, relations: dict | None = None):
        self.containers = containers
        self.relations = {} if relations is None else relations
        self.cooperations, self.partnerships, self.theme_links, self.sources = [], [], [], []

    def add(self, *, pk, index, title, metropolis, partners, start, precision, search_text, now):
        """One published record of `metropolis` (its lead) and `partners`, with one source;
        its themes are added with `add_theme`."""
        from registry import DESCRIPTION, SUMMARY

        from cooperation.geography import partner_relation

        self.cooperations.append(
            (
                *(pk, title[:300], f"bench-{index}", SUMMARY, DESCRIPTION, "charter", "active"),
                *(start, precision, None, "", GOVERNANCE, "", FUNDING, "", "", "", "t"),
                *("manual", "", "", metropolis.pk, search_text, now, now),
            )
        )
        for position, territory in enumerate([metropolis, *partners]):
            key = (territory.pk, metropolis.pk)
            if key not in self.relations:
                self.relations[key] = partner_relation(territory, metropolis, self.containers)
            role = "lead" if position == 0 else "partner"
            self.partnerships.append((pk, territory.pk, role, self.relations[key], position))
        url = f"https://example.org/d/{index}"
        self.sources.append((pk, f"Délibération ({index})", "", None, "", url, "", 0))

    def add_theme(self, pk: int, theme: int) -> None:
        self.theme_links.append((pk, theme))

    def copy(self, *, last_id: int) -> None:
        """Writes the rows in one transaction, then moves the records' id sequence past
        `last_id` (COPY does not)."""
        from django.db import connection, transaction

        from cooperation.models import Cooperation, Partnership, Source

        cooperations = Cooperation._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            copy_rows(cursor, cooperations, COOPERATION_COLUMNS, self.cooperations)
            copy_rows(cursor, Partnership._meta.db_table, PARTNERSHIP_COLUMNS, self.partnerships)
            copy_rows(
                cursor,
                Cooperation.themes.through._meta.db_table,
                THEME_LINK_COLUMNS,
                self.theme_links,
            )
            copy_rows(cursor, Source._meta.db_table, SOURCE_COLUMNS, self.sources)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{cooperations}', 'id'), %s)", [last_id]
            )


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())
