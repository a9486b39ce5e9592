"""The synthetic registry of the benches that need hundreds of thousands of records
(`exports.py`, `sizes.py`, `load.py`): the rows of each record, built the same way, and
written with PostgreSQL's COPY FROM — orders of magnitude faster than the ORM at that size.
Its texts and partners are those of the ORM-built registry (`orm_registry.py`)."""

from __future__ import annotations

import io
import random
from datetime import date

GOVERNANCE = "Comité de pilotage semestriel ; comité technique mensuel."
FUNDING = "Cofinancement à parts égales."
SUMMARY = (
    "Contrat de coopération entre la métropole et les territoires voisins : mobilités "
    "du quotidien, alimentation locale, accès aux soins et tourisme. Suivi annuel par un "
    "comité de pilotage commun."
)
DESCRIPTION = (
    "La métropole et ses partenaires ont signé une convention qui organise leur "
    "coopération autour de plusieurs axes : organisation des mobilités entre les pôles "
    "urbains et les bourgs-centres, structuration d’une filière alimentaire de proximité "
    "(projet alimentaire territorial), mutualisation de l’ingénierie (agence d’urbanisme, "
    "services communs), promotion touristique partagée et transition énergétique. "
    "Un comité de pilotage réunit les élus deux fois par an ; un comité technique suit "
    "les actions. Les résultats sont présentés chaque année en conseil communautaire."
)

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


def candidate_partners():
    """For each métropole: EPCI of its départements, EPCI of its régions, member communes."""
    from territories.models import Containment, Territory, TerritoryKind

    metropolises = list(Territory.objects.metropolises().current().order_by("code"))
    containers = {}
    for content_id, kind, container_id in Containment.objects.filter(
        content__in=metropolises
    ).values_list("content_id", "container__kind", "container_id"):
        containers.setdefault(content_id, {}).setdefault(kind, set()).add(container_id)
    result = {}
    for metropolis in metropolises:
        own = containers.get(metropolis.pk, {})

        def epci_in(container_ids, metropolis=metropolis):
            return list(
                Territory.objects.current()
                .of_kind(TerritoryKind.EPCI)
                .filter(containments_as_content__container_id__in=container_ids)
                .exclude(pk=metropolis.pk)
                .distinct()
                .order_by("code")
            )

        result[metropolis] = [
            epci_in(own.get(TerritoryKind.DEPARTMENT, set())),
            epci_in(own.get(TerritoryKind.REGION, set())),
            list(
                Territory.objects.current()
                .of_kind(TerritoryKind.COMMUNE)
                .contained_in(metropolis)
                .order_by("code")
            ),
        ]
    return result


def partner_pools(candidates: dict) -> dict:
    """Each métropole's candidate partners, once each (an EPCI can be in two groups: same
    département, same région), the métropole itself left out."""
    return {
        m: [t for t in dict.fromkeys(t for group in candidates[m] for t in group) if t != m]
        for m in candidates
    }


def record_title(index: int, metropolis, partners) -> str:
    return f"Coopération n° {index} — {metropolis.name} et " + " / ".join(p.name for p in partners)


class Material:
    """What the records are drawn from: the métropoles, each one's pool of partners, the
    containers of every territory involved, and the themes' ids."""

    def __init__(self, seed: int = 2018):
        from cooperation.geography import containers_by_territory
        from cooperation.models import Theme

        self.rng = random.Random(seed)
        candidates = candidate_partners()
        self.metropolises = list(candidates)
        self.pools = partner_pools(candidates)
        self.containers = containers_by_territory(
            {m.pk for m in self.metropolises} | {t.pk for pool in self.pools.values() for t in pool}
        )
        self.themes = list(Theme.objects.values_list("pk", flat=True))

    def add_record(self, rows: RegistryRows, index: int, *, now: str, search_text) -> int:
        """Record `index` (primary key `index + 1`) with random partners, start and themes,
        added to `rows`; `search_text(title, metropolis, partners)` gives its search text."""
        rng, pk = self.rng, index + 1
        metropolis = self.metropolises[index % len(self.metropolises)]
        partners = rng.sample(self.pools[metropolis], 2)
        year = rng.randint(2005, 2024)
        title = record_title(index, metropolis, partners)
        rows.add(
            pk=pk,
            index=index,
            title=title,
            metropolis=metropolis,
            partners=partners,
            start=date(year, rng.randint(1, 12), 1).isoformat(),
            precision=rng.choice(["year", "month", "day"]),
            search_text=search_text(title, metropolis, partners),
            now=now,
        )
        for theme in rng.sample(self.themes, rng.randint(1, 3)):
            rows.add_theme(pk, theme)
        return pk


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
