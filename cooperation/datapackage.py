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

from territories.models import Territory, TerritoryCategory, TerritoryKind

from .models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    Origin,
    PartnerRelation,
    PartnerRole,
    Partnership,
    Source,
    Theme,
)

# The package's structure (tables, columns, their meaning). A column added is a minor
# version, a column renamed or removed a major one; the data's own date is in `created`.
SCHEMA_VERSION = "1.0.0"
PACKAGE_NAME = "cooperations-interterritoriales"
PARTIAL_DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _field(name, type_, title, description, **constraints) -> dict:
    field = {"name": name, "type": type_, "title": title, "description": description}
    if type_ == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if constraints:
        field["constraints"] = constraints
    return field


def _enum(choices) -> list[str]:
    return [str(value) for value in choices.values]


TERRITORY_FIELDS = [
    _field(
        "id",
        "string",
        "Identifiant",
        "Type et code du territoire, « <type>:<code> » (ex. epci:242900314) : la clé que "
        "les autres tables citent.",
        required=True,
        unique=True,
        pattern=r"[a-z]+:.+",
    ),
    _field(
        "kind",
        "string",
        "Type",
        "region, department, commune, epci, ept, grouping (groupement) ou foreign "
        "(collectivité étrangère).",
        required=True,
        enum=_enum(TerritoryKind),
    ),
    _field(
        "code",
        "string",
        "Code",
        "Code INSEE (région, département, commune) ou SIREN (EPCI, EPT, groupements).",
        required=True,
    ),
    _field("siren", "string", "SIREN", "Numéro SIREN, vide s’il n’est pas connu."),
    _field("name", "string", "Nom", "Nom officiel.", required=True),
    _field(
        "category",
        "string",
        "Catégorie",
        "Catégorie juridique (EPCI : CC, CA, CU, METRO, MET69 ; groupements : PETR, "
        "POLE_METROPOLITAIN, PNR, SYNDICAT_MIXTE, PAYS, ASSOCIATION, OTHER), vide sinon.",
        enum=_enum(TerritoryCategory),
    ),
    _field(
        "population",
        "integer",
        "Population",
        "Population municipale (millésime dans `vintage`), vide si inconnue.",
        minimum=0,
    ),
    _field(
        "is_obsolete",
        "boolean",
        "Obsolète",
        "true si le territoire n’est plus dans la dernière version du référentiel.",
        required=True,
    ),
    _field("source", "string", "Source", "Référentiel dont vient le territoire."),
    _field("vintage", "string", "Millésime", "Millésime des données de référence."),
]

THEME_FIELDS = [
    _field("code", "string", "Code", "Code stable du thème.", required=True, unique=True),
    _field("label_fr", "string", "Libellé", "Libellé en français.", required=True),
    _field("label_en", "string", "Libellé anglais", "Libellé en anglais.", required=True),
]

COOPERATION_FIELDS = [
    _field(
        "slug",
        "string",
        "Identifiant",
        "Identifiant stable de la fiche (la fin de son adresse sur le portail).",
        required=True,
        unique=True,
        pattern=r"[-a-zA-Z0-9_]+",
    ),
    _field("title", "string", "Titre", "Titre de la coopération.", required=True),
    _field("url", "string", "Adresse", "Adresse de la fiche sur le portail.", required=True),
    _field("summary", "string", "Résumé", "Résumé en quelques phrases."),
    _field("description", "string", "Description", "Description détaillée."),
    _field(
        "instrument",
        "string",
        "Forme",
        "Forme juridique ou contractuelle (contrat de réciprocité, convention, pôle "
        "métropolitain, syndicat mixte…), en code stable.",
        required=True,
        enum=_enum(Instrument),
    ),
    _field(
        "status",
        "string",
        "Statut",
        "planned (en projet), active (en cours) ou ended (terminée).",
        required=True,
        enum=_enum(CooperationStatus),
    ),
    _field(
        "start",
        "string",
        "Début",
        "Date de début à sa précision : AAAA, AAAA-MM ou AAAA-MM-JJ ; vide si inconnue.",
        pattern=PARTIAL_DATE_PATTERN,
    ),
    _field(
        "end",
        "string",
        "Fin",
        "Date de fin à sa précision : AAAA, AAAA-MM ou AAAA-MM-JJ ; vide si inconnue.",
        pattern=PARTIAL_DATE_PATTERN,
    ),
    _field(
        "metropolis",
        "string",
        "Métropole de référence",
        "Identifiant (table territories) de la métropole de référence : le chef de file "
        "s’il est une métropole, sinon la première métropole partenaire.",
    ),
    _field("governance", "string", "Gouvernance", "Instances et modalités de gouvernance."),
    _field("engineering", "string", "Ingénierie", "Ingénierie dédiée (équipes, agences)."),
    _field("funding", "string", "Financement", "Financement de la coopération."),
    _field("outcomes", "string", "Réalisations", "Réalisations et résultats."),
    _field("difficulties", "string", "Difficultés", "Difficultés rencontrées."),
    _field(
        "uncertainty_notes",
        "string",
        "Points incertains",
        "Faits incertains ou contradictoires entre les sources.",
    ),
    _field(
        "origin",
        "string",
        "Origine",
        "manual (saisie par l’équipe), import ou survey (réponse au recensement).",
        required=True,
        enum=_enum(Origin),
    ),
    _field("origin_label", "string", "Libellé de l’origine", "D’où vient la fiche."),
    _field("origin_url", "string", "Lien vers l’origine", "Adresse de l’origine, si publique."),
    _field(
        "updated_at",
        "datetime",
        "Modifiée le",
        "Dernière modification de la fiche, de ses partenaires ou de ses sources (ISO 8601, UTC).",
        required=True,
    ),
]

COOPERATION_THEME_FIELDS = [
    _field("cooperation", "string", "Coopération", "Identifiant de la fiche.", required=True),
    _field("theme", "string", "Thème", "Code du thème.", required=True),
]

PARTNERSHIP_FIELDS = [
    _field("cooperation", "string", "Coopération", "Identifiant de la fiche.", required=True),
    _field("territory", "string", "Territoire", "Identifiant du partenaire.", required=True),
    _field(
        "role",
        "string",
        "Rôle",
        "lead (chef de file), partner (partenaire) ou associate (associé).",
        required=True,
        enum=_enum(PartnerRole),
    ),
    _field(
        "relation",
        "string",
        "Relation à la métropole",
        "Position du partenaire par rapport à la métropole de référence, calculée : "
        "reference, member, contiguous, same_department, same_region, other_region, "
        "foreign, unknown.",
        required=True,
        enum=_enum(PartnerRelation),
    ),
    _field(
        "is_contiguous",
        "boolean",
        "Contigu",
        "true si le partenaire touche la métropole (calculé des contours), vide sans contour.",
    ),
    _field(
        "distance_km",
        "number",
        "Distance (km)",
        "Distance à vol d’oiseau entre les points représentatifs, vide sans contour.",
        minimum=0,
    ),
    _field(
        "position",
        "integer",
        "Ordre",
        "Ordre du partenaire dans la fiche.",
        required=True,
        minimum=0,
    ),
]

SOURCE_FIELDS = [
    _field("cooperation", "string", "Coopération", "Identifiant de la fiche.", required=True),
    _field(
        "position",
        "integer",
        "Ordre",
        "Ordre de la source dans la fiche.",
        required=True,
        minimum=0,
    ),
    _field("title", "string", "Titre", "Titre du document cité.", required=True),
    _field("publisher", "string", "Éditeur", "Qui l’a publié."),
    _field(
        "date",
        "string",
        "Date",
        "Date de publication à sa précision : AAAA, AAAA-MM ou AAAA-MM-JJ.",
        pattern=PARTIAL_DATE_PATTERN,
    ),
    _field("url", "string", "Adresse", "Adresse du document."),
    _field("note", "string", "Note", "Ce que la source établit."),
]


def _foreign_key(field: str, resource: str, target: str) -> dict:
    return {"fields": field, "reference": {"resource": resource, "fields": target}}


TO_COOPERATION = _foreign_key("cooperation", "cooperations", "slug")


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict]

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def resource(self) -> dict:
        schema = {"fields": self.fields, "primaryKey": self.primary_key}
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": schema,
        }


TABLES = [
    Table(
        "cooperations",
        "Coopérations",
        "Une ligne par coopération publiée.",
        COOPERATION_FIELDS,
        ["slug"],
        [_foreign_key("metropolis", "territories", "id")],
    ),
    Table("themes", "Thèmes", "La liste des thèmes.", THEME_FIELDS, ["code"], []),
    Table(
        "cooperation_themes",
        "Thèmes des coopérations",
        "Une ligne par thème d’une coopération.",
        COOPERATION_THEME_FIELDS,
        ["cooperation", "theme"],
        [TO_COOPERATION, _foreign_key("theme", "themes", "code")],
    ),
    Table(
        "partnerships",
        "Partenaires",
        "Une ligne par territoire partenaire d’une coopération.",
        PARTNERSHIP_FIELDS,
        ["cooperation", "territory"],
        [TO_COOPERATION, _foreign_key("territory", "territories", "id")],
    ),
    Table(
        "sources",
        "Sources",
        "Les documents qui fondent chaque fiche.",
        SOURCE_FIELDS,
        ["cooperation", "position"],
        [TO_COOPERATION],
    ),
    Table(
        "territories",
        "Territoires",
        "Les territoires que citent les coopérations (partenaires et métropoles de "
        "référence), du référentiel géographique officiel.",
        TERRITORY_FIELDS,
        ["id"],
        [],
    ),
]


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
    last_change = Cooperation.objects.published().aggregate(last=Max("updated_at"))["last"]

    rows = {
        "cooperations": [
            {
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
            for c in cooperations
        ],
        "themes": [
            {"code": t.code, "label_fr": t.label_fr, "label_en": t.label_en} for t in themes
        ],
        "cooperation_themes": [
            {"cooperation": c.slug, "theme": t.code}
            for c in cooperations
            for t in sorted(c.themes.all(), key=lambda t: t.code)
        ],
        "partnerships": [
            {
                "cooperation": p.cooperation.slug,
                "territory": _territory_id(p.territory),
                "role": p.role,
                "relation": p.relation,
                "is_contiguous": p.is_contiguous,
                "distance_km": p.distance_km,
                "position": p.position,
            }
            for p in partnerships
        ],
        "sources": [
            {
                "cooperation": s.cooperation.slug,
                "position": s.position,
                "title": s.title,
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
                "note": s.note,
            }
            for s in sources
        ],
        "territories": [
            {
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
            for t in sorted(territories.values(), key=lambda t: (t.kind, t.code))
        ],
    }
    created = _utc_iso(timezone.now())
    descriptor = {
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
    files = {table.path: _csv(table.fields, rows[table.name]) for table in TABLES}
    return DataPackage(descriptor=descriptor, files=files)


def _utc_iso(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
