"""The Table Schema of the open-data package (cooperation/datapackage.py): its tables,
their columns — type, title, description, constraints — and the keys between them, in
Frictionless Data's vocabulary. See docs/open-data.md."""

from dataclasses import dataclass

from territories.models import TerritoryCategory, TerritoryKind

from .models import CooperationStatus, Instrument, Origin, PartnerRelation, PartnerRole

# The package's structure (tables, columns, their meaning). A column added is a minor
# version, a column renamed or removed a major one; the data's own date is in `created`.
SCHEMA_VERSION = "1.0.0"
PARTIAL_DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"


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
