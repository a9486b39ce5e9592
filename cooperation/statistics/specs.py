"""Which statistics tables exist, in which order, and what each says: its title, what a
number counts, the page's filters it ignores (see cooperation/statistics/tables.py, which
computes them), and the bands and shares some of them count."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# (upper bound included or None, label): the bands of the partner-count table.
PARTNER_BANDS = (
    (None, 1, _("1 ou moins")),
    (2, 2, "2"),
    (3, 3, "3"),
    (4, 4, "4"),
    (5, 9, _("5 à 9")),
    (10, 19, _("10 à 19")),
    (20, None, _("20 et plus")),
)
TEXT_SHARES = (
    ("engineering", _("Ingénierie dédiée décrite")),
    ("funding", _("Financement décrit")),
    ("difficulties", _("Difficultés déclarées")),
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    counted: str  # what a number counts, in a sentence
    drop: tuple[str, ...] = ()  # the page's filters this table ignores (and its links replace)


TABLES = (
    TableSpec(
        "metropolis",
        _("Coopérations par métropole"),
        _(
            "Nombre de coopérations dont chaque métropole est partenaire (une coopération à "
            "plusieurs métropoles compte pour chacune)."
        ),
        drop=("metropolis",),
    ),
    TableSpec(
        "theme",
        _("Coopérations par thème"),
        _(
            "Nombre de coopérations portant sur chaque thème (une coopération peut en avoir "
            "plusieurs)."
        ),
        drop=("theme",),
    ),
    TableSpec(
        "instrument",
        _("Coopérations par forme"),
        _("Nombre de coopérations de chaque forme (une seule par coopération)."),
        drop=("instrument",),
    ),
    TableSpec(
        "partner_kind",
        _("Coopérations par type de partenaire"),
        _("Nombre de coopérations ayant au moins un partenaire de chaque type."),
        drop=("partner_kind",),
    ),
    TableSpec(
        "partner_category",
        _("Coopérations par catégorie de partenaire"),
        _("Nombre de coopérations ayant au moins un partenaire de chaque catégorie."),
        drop=("partner_category",),
    ),
    TableSpec(
        "relation",
        _("Coopérations par relation à la métropole"),
        _(
            "Nombre de coopérations ayant au moins un partenaire dans chaque relation à la "
            "métropole de référence (membre, contigu, même département, même région…)."
        ),
        drop=("relation",),
    ),
    TableSpec(
        "distance",
        _("Coopérations par distance à la métropole"),
        _(
            "Nombre de coopérations ayant au moins un partenaire (hors la métropole de "
            "référence) à chaque distance de la métropole ; sans contours, pas de distance."
        ),
        drop=("distance",),
    ),
    TableSpec(
        "start_year",
        _("Coopérations par année de début"),
        _("Nombre de coopérations commencées chaque année, et celles dont le début est inconnu."),
        drop=("has_start_date",),
    ),
    TableSpec(
        "status",
        _("Coopérations par statut"),
        _("Nombre de coopérations dans chaque statut."),
        drop=("status",),
    ),
    TableSpec(
        "content",
        _("Ingénierie, financement et difficultés"),
        _(
            "Nombre de coopérations dont la fiche décrit une ingénierie dédiée, un "
            "financement, ou déclare des difficultés, et leur part du total."
        ),
        drop=("has_engineering", "has_funding", "has_difficulties"),
    ),
    TableSpec(
        "difficulty",
        _("Difficultés déclarées, par type"),
        _(
            "Nombre de coopérations dont les difficultés déclarées mentionnent chaque type de "
            "frein (une coopération peut en mentionner plusieurs) ; « Autre / non classé » : "
            "difficultés déclarées d’aucun de ces types. Le classement se fait par mots-clés "
            "sur le texte libre des fiches, sans tenir compte des accents ni de la casse."
        ),
        drop=("difficulty",),
    ),
    TableSpec(
        "partners",
        _("Nombre de partenaires par coopération"),
        _("Nombre de coopérations selon leur nombre de partenaires, la métropole comprise."),
        drop=("partners_min", "partners_max"),
    ),
)
CROSS_TABLES = (
    TableSpec(
        "theme_relation",
        _("Thème × relation à la métropole"),  # noqa: RUF001
        _(
            "Nombre de coopérations portant sur le thème (ligne) et ayant au moins un "
            "partenaire dans la relation (colonne)."
        ),
        drop=("theme", "relation"),
    ),
    TableSpec(
        "instrument_metropolis",
        _("Forme × métropole"),  # noqa: RUF001
        _("Nombre de coopérations de la forme (colonne) dont la métropole (ligne) est partenaire."),
        drop=("instrument", "metropolis"),
    ),
)
TABLE_NAMES = tuple(spec.name for spec in TABLES)
