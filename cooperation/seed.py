"""Loading the documented cooperation examples shipped in `cooperation/data/`.

The load can run any number of times (`make demo` runs it each time): it brings the
records and the groupings it created up to date with the file, but never undoes a later
change. A record (or grouping) whose latest history row is not the seed's own — staff in
the admin, an API client, a validated survey — is kept as it is, and the report says so,
record by record; `force=True` overwrites it and says what it overwrote."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.history import describe_change, is_written_by, latest_history
from territories.models import Territory, TerritoryKind
from territories.services import grouping_upsert

from .changes import record_changes
from .models import Cooperation, Origin, Theme
from .services import (
    DESCRIPTIVE_FIELDS,
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_geography_refresh,
    cooperation_update,
)

DEFAULT_SEED = Path(__file__).resolve().parent / "data" / "seed_cooperations.json"
SEED_LABEL = "Exemples documentés à partir de sources publiques"
# The change reason of every write of the seed, in the history of records and groupings.
SEED_REASON = "Chargement des exemples documentés"


@dataclass(frozen=True)
class SeedReport:
    themes: int
    groupings: int
    created: int
    updated: int
    unchanged: int
    # One line per record or grouping changed by someone else since the seed wrote it:
    # left as it is, or overwritten with `force`.
    kept: tuple[str, ...] = ()
    overwritten: tuple[str, ...] = ()

    def summary(self) -> str:
        line = (
            f"Seed cooperations: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.kept)} kept as changed since, "
            f"{len(self.overwritten)} overwritten; {self.themes} themes; "
            f"{self.groupings} partner groupings created or updated."
        )
        return "\n".join(
            [
                line,
                *(f"  kept: {item}" for item in self.kept),
                *(f"  overwritten: {item}" for item in self.overwritten),
            ]
        )


class _Changes:
    """Which existing records and groupings someone else changed since the seed wrote
    them, read from their history once; and what was kept or overwritten because of it."""

    def __init__(self, *, force: bool):
        self.force = force
        self.kept: list[str] = []
        self.overwritten: list[str] = []
        self.rows: dict[tuple[str, int], object] = {}

    def load_records(self, slugs: list[str]) -> None:
        pks = Cooperation.objects.filter(slug__in=slugs).values_list("pk", flat=True)
        for pk, row in latest_history(Cooperation, pks).items():
            self.rows[("record", pk)] = row

    def load_groupings(self, references: list[tuple[str, str]]) -> None:
        codes = {
            code
            for kind, code in references
            if kind in (TerritoryKind.GROUPING, TerritoryKind.FOREIGN)
        }
        pks = Territory.objects.filter(
            kind__in=(TerritoryKind.GROUPING, TerritoryKind.FOREIGN), code__in=codes
        ).values_list("pk", flat=True)
        for pk, row in latest_history(Territory, pks).items():
            self.rows[("grouping", pk)] = row

    def may_update(self, what: str, name: str, pk: int) -> bool:
        """Whether the seed may write over `what` (a "record" or a "grouping") now; says
        so in the report when someone else changed it since."""
        row = self.rows.get((what, pk))
        if is_written_by(row, SEED_REASON):
            return True
        line = f"{what} {name} — {describe_change(row)}"
        (self.overwritten if self.force else self.kept).append(line)
        return self.force


@transaction.atomic
def seed_cooperations_load(*, path: Path = DEFAULT_SEED, force: bool = False) -> SeedReport:
    """Load (or bring up to date) the seed records: idempotent and all-or-nothing. The
    reference geography must be imported first. A record or grouping changed since by
    someone else is kept as it is, unless `force`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValidationError(f"{path}: cannot read the seed file ({error})") from error
    themes, themes_changed = _load_themes(data["themes"])
    changes = _Changes(force=force)
    changes.load_records([row["slug"] for row in data["cooperations"]])
    changes.load_groupings(
        [
            (partner["kind"], partner["code"])
            for row in data["cooperations"]
            for partner in row["partners"]
        ]
    )
    counts = {"groupings": 0, "created": 0, "updated": 0, "unchanged": 0}
    for row in data["cooperations"]:
        try:
            _load_record(row, themes, changes, counts)
        except ValidationError as error:
            raise ValidationError(f"{row['slug']}: {'; '.join(error.messages)}") from error
    return SeedReport(
        themes_changed,
        counts["groupings"],
        counts["created"],
        counts["updated"],
        counts["unchanged"],
        kept=tuple(changes.kept),
        overwritten=tuple(changes.overwritten),
    )


def _load_themes(rows: list[dict]) -> tuple[dict[str, Theme], int]:
    """The seed's themes by code, created or brought up to date; and how many changed."""
    changed, themes = 0, {}
    for position, row in enumerate(rows):
        wanted = (row["label_fr"], row["label_en"], position)
        theme, created = Theme.objects.get_or_create(
            code=row["code"],
            defaults={"label_fr": wanted[0], "label_en": wanted[1], "position": position},
        )
        if not created and (theme.label_fr, theme.label_en, theme.position) != wanted:
            theme.label_fr, theme.label_en, theme.position = wanted
            theme.save()
            created = True
        changed += created
        themes[theme.code] = theme
    return themes, changed


def _load_record(row: dict, themes: dict[str, Theme], changes: _Changes, counts: dict) -> None:
    """Create, update or keep one seed record, counting what happened in `counts`."""
    partners, partner_changed = [], False
    for partner in row["partners"]:
        territory, changed = _partner_territory(row["slug"], partner, changes)
        counts["groupings"] += changed
        partner_changed |= changed
        partners.append(PartnerInput(territory=territory, role=partner["role"]))
    fields = {name: row.get(name) or "" for name in DESCRIPTIVE_FIELDS}
    fields.update(is_published=True, origin=Origin.IMPORT, origin_label=SEED_LABEL, origin_url="")
    contents = {
        "partners": partners,
        "themes": [themes[code] for code in row["themes"]],
        "sources": [
            SourceInput(
                **{k: s.get(k) or "" for k in ("title", "publisher", "date", "url", "note")}
            )
            for s in row["sources"]
        ],
        "start": row.get("start") or "",
        "end": row.get("end") or "",
    }
    existing = Cooperation.objects.filter(slug=row["slug"]).first()
    if existing is None:
        cooperation_create(slug=row["slug"], change_reason=SEED_REASON, **contents, **fields)
        counts["created"] += 1
    elif not record_changes(existing, **contents, **fields):
        if partner_changed:
            # A grouping partner moved (new containers): its relation to the métropole
            # must follow.
            cooperation_geography_refresh(cooperation=existing)
        counts["updated" if partner_changed else "unchanged"] += 1
    elif changes.may_update("record", existing.slug, existing.pk):
        cooperation_update(cooperation=existing, change_reason=SEED_REASON, **contents, **fields)
        counts["updated"] += 1
    elif partner_changed:
        # Kept as someone left it; only its derived relations follow a moved grouping.
        cooperation_geography_refresh(cooperation=existing)


def _partner_territory(slug: str, partner: dict, changes: _Changes) -> tuple[Territory, bool]:
    kind, code = partner["kind"], partner["code"]
    if kind in (TerritoryKind.GROUPING, TerritoryKind.FOREIGN):
        existing = Territory.objects.filter(kind=kind, code=code).first()
        values = {
            "name": partner["name"],
            "category": partner.get("category", ""),
            "siren": code if code.isdigit() and len(code) == 9 else "",
            "source": SEED_LABEL[:100],
        }
        differs = existing is not None and any(
            getattr(existing, name) != value for name, value in values.items()
        )
        if differs and not changes.may_update("grouping", f"{kind}:{code}", existing.pk):
            return existing, False
        return grouping_upsert(
            kind=kind,
            code=code,
            containers=[tuple(pair) for pair in partner.get("contained_in", [])],
            change_reason=SEED_REASON,
            **values,
        )
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if territory is None:
        raise ValidationError(
            f"{slug}: partner {kind}:{code} is not in the database; "
            "run `manage.py import_territories` first"
        )
    return territory, False
