"""The open-data package: the whole published registry as a Frictionless Data Package.

One zip holding a CSV file per table (cooperations, themes and the records' themes,
partnerships, sources, and the territories they name) and a `datapackage.json` whose Table
Schema describes every column — type, description, constraints — and the foreign keys
between the tables, the way French open-data schemas are published (schema.data.gouv.fr).
Any Frictionless tool (`frictionless validate`, the Python, R or JavaScript libraries,
Open Data Blend, data.gouv.fr's validator) reads and checks it. See docs/open-data.md.

Only published records, whoever asks: the package is the registry as the public sees it.
"""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from territories.models import Territory

from .datapackage_schema import SCHEMA_VERSION, TABLES
from .models import Cooperation, Partnership, Source, Theme

PACKAGE_NAME = "cooperations-interterritoriales"
LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _territory_id(territory: Territory) -> str:
    return f"{territory.kind}:{territory.code}"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(fields: list[dict], rows: Iterable[dict]) -> bytes:
    out = io.StringIO()
    names = [field["name"] for field in fields]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in names])
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class DataPackage:
    """The zip's content: `datapackage.json` and one CSV per table."""

    descriptor: dict
    files: dict[str, bytes]

    @property
    def filename(self) -> str:
        return f"{PACKAGE_NAME}-{self.descriptor['created'][:10]}.zip"

    def to_zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "datapackage.json",
                json.dumps(self.descriptor, ensure_ascii=False, indent=2) + "\n",
            )
            for name, content in self.files.items():
                archive.writestr(name, content)
        return buffer.getvalue()


def registry_datapackage(*, base_url: str) -> DataPackage:
    """The published registry as a Frictionless Data Package; `base_url` (scheme and host,
    no trailing slash) makes the records' addresses absolute. A fixed number of queries."""
    rows = _published_rows(base_url)
    last_change = Cooperation.objects.published().aggregate(last=Max("updated_at"))["last"]
    descriptor = _descriptor(base_url, last_change)
    files = {table.path: _csv(table.fields, rows[table.name]) for table in TABLES}
    return DataPackage(descriptor=descriptor, files=files)


def _published_rows(base_url: str) -> dict[str, list[dict]]:
    """The rows of every table, by table name, in the order of their primary keys."""
    cooperations = list(
        Cooperation.objects.published()
        .select_related("metropolis")
        .prefetch_related("themes")
        .order_by("slug")
    )
    published = Q(cooperation__is_published=True)
    partnerships = list(
        Partnership.objects.filter(published)
        .select_related("cooperation", "territory")
        .order_by("cooperation__slug", "position", "id")
    )
    sources = list(
        Source.objects.filter(published)
        .select_related("cooperation")
        .order_by("cooperation__slug", "position", "id")
    )
    themes = list(Theme.objects.order_by("position", "code"))
    territories = {
        territory.pk: territory
        for territory in [p.territory for p in partnerships]
        + [c.metropolis for c in cooperations if c.metropolis]
    }
    return {
        "cooperations": [_cooperation_row(c, base_url) for c in cooperations],
        "themes": [
            {"code": t.code, "label_fr": t.label_fr, "label_en": t.label_en} for t in themes
        ],
        "cooperation_themes": [
            {"cooperation": c.slug, "theme": t.code}
            for c in cooperations
            for t in sorted(c.themes.all(), key=lambda t: t.code)
        ],
        "partnerships": [_partnership_row(p) for p in partnerships],
        "sources": [_source_row(s) for s in sources],
        "territories": [
            _territory_row(t) for t in sorted(territories.values(), key=lambda t: (t.kind, t.code))
        ],
    }


def _cooperation_row(c: Cooperation, base_url: str) -> dict:
    return {
        "slug": c.slug,
        "title": c.title,
        "url": base_url + c.get_absolute_url(),
        "summary": c.summary,
        "description": c.description,
        "instrument": c.instrument,
        "status": c.status,
        "start": c.start,
        "end": c.end,
        "metropolis": _territory_id(c.metropolis) if c.metropolis else None,
        "governance": c.governance,
        "engineering": c.engineering,
        "funding": c.funding,
        "outcomes": c.outcomes,
        "difficulties": c.difficulties,
        "uncertainty_notes": c.uncertainty_notes,
        "origin": c.origin,
        "origin_label": c.origin_label,
        "origin_url": c.origin_url,
        "updated_at": _utc_iso(c.updated_at),
    }


def _partnership_row(p: Partnership) -> dict:
    return {
        "cooperation": p.cooperation.slug,
        "territory": _territory_id(p.territory),
        "role": p.role,
        "relation": p.relation,
        "is_contiguous": p.is_contiguous,
        "distance_km": p.distance_km,
        "position": p.position,
    }


def _source_row(s: Source) -> dict:
    return {
        "cooperation": s.cooperation.slug,
        "position": s.position,
        "title": s.title,
        "publisher": s.publisher,
        "date": s.date,
        "url": s.url,
        "note": s.note,
    }


def _territory_row(t: Territory) -> dict:
    return {
        "id": _territory_id(t),
        "kind": t.kind,
        "code": t.code,
        "siren": t.siren,
        "name": t.name,
        "category": t.category,
        "population": t.population,
        "is_obsolete": t.is_obsolete,
        "source": t.source,
        "vintage": t.vintage,
    }


def _descriptor(base_url: str, last_change) -> dict:
    """`datapackage.json`: what the package is, its licence and sources, and its tables."""
    created = _utc_iso(timezone.now())
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "id": f"{base_url}/cooperations/paquet-de-donnees.zip",
        "title": "Coopérations interterritoriales entre métropoles et territoires environnants",
        "description": (
            "Le registre publié des coopérations entre les métropoles françaises et les "
            "territoires qui les entourent (recensement CGET, France urbaine, AdCF, 2018, "
            "tenu à jour) : les fiches, leurs partenaires, leurs thèmes, leurs sources et "
            "les territoires qu’elles citent."
        ),
        "version": SCHEMA_VERSION,
        "created": created,
        "last_modified": _utc_iso(last_change) if last_change else created,
        "homepage": f"{base_url}/cooperations/",
        "keywords": ["coopération interterritoriale", "métropole", "EPCI", "territoires"],
        "licenses": [LICENSE],
        "sources": [
            {
                "title": "Recensement des coopérations interterritoriales (CGET, France "
                "urbaine, AdCF, 2018)",
                "path": f"{base_url}/cooperations/",
            },
            {
                "title": "Découpage administratif (Etalab), Licence Ouverte",
                "path": "https://github.com/etalab/decoupage-administratif",
            },
        ],
        "resources": [table.resource() for table in TABLES],
    }


def _utc_iso(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
