"""Loading the documented cooperation examples shipped in `cooperation/data/`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from territories.models import Territory, TerritoryKind
from territories.services import grouping_upsert

from .models import Cooperation, Origin, Theme
from .services import (
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_geography_refresh,
    cooperation_update,
)

DEFAULT_SEED = Path(__file__).resolve().parent / "data" / "seed_cooperations.json"
SEED_LABEL = "Exemples documentés à partir de sources publiques"
RECORD_FIELDS = (
    "title",
    "summary",
    "description",
    "instrument",
    "status",
    "governance",
    "engineering",
    "funding",
    "outcomes",
    "difficulties",
    "uncertainty_notes",
)


@dataclass(frozen=True)
class SeedReport:
    themes: int
    groupings: int
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return (
            f"Seed cooperations: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.themes} themes; "
            f"{self.groupings} partner groupings created or updated."
        )


@transaction.atomic
def seed_cooperations_load(*, path: Path = DEFAULT_SEED) -> SeedReport:
    """Load (or bring up to date) the seed records: idempotent and all-or-nothing. The
    reference geography must be imported first."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValidationError(f"{path}: cannot read the seed file ({error})") from error

    themes_changed = 0
    themes = {}
    for position, row in enumerate(data["themes"]):
        theme, created = Theme.objects.get_or_create(
            code=row["code"],
            defaults={
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "position": position,
            },
        )
        if not created and (theme.label_fr, theme.label_en, theme.position) != (
            row["label_fr"],
            row["label_en"],
            position,
        ):
            theme.label_fr, theme.label_en, theme.position = (
                row["label_fr"],
                row["label_en"],
                position,
            )
            theme.save()
            created = True
        themes_changed += created
        themes[theme.code] = theme

    groupings, created, updated, unchanged = 0, 0, 0, 0
    for row in data["cooperations"]:
        partners, partner_changed = [], False
        for partner in row["partners"]:
            territory, changed = _partner_territory(row["slug"], partner)
            groupings += changed
            partner_changed |= changed
            partners.append(PartnerInput(territory=territory, role=partner["role"]))
        fields = {name: row.get(name) or "" for name in RECORD_FIELDS}
        fields.update(
            is_published=True, origin=Origin.IMPORT, origin_label=SEED_LABEL, origin_url=""
        )
        record_themes = [themes[code] for code in row["themes"]]
        sources = [
            SourceInput(
                **{k: s.get(k) or "" for k in ("title", "publisher", "date", "url", "note")}
            )
            for s in row["sources"]
        ]
        dates = {"start": row.get("start") or "", "end": row.get("end") or ""}
        try:
            existing = Cooperation.objects.filter(slug=row["slug"]).first()
            if existing is None:
                cooperation_create(
                    slug=row["slug"],
                    partners=partners,
                    themes=record_themes,
                    sources=sources,
                    **dates,
                    **fields,
                )
                created += 1
            elif _differs(existing, fields, dates, record_themes, partners, sources):
                cooperation_update(
                    cooperation=existing,
                    partners=partners,
                    themes=record_themes,
                    sources=sources,
                    **dates,
                    **fields,
                )
                updated += 1
            elif partner_changed:
                # Same record, but a grouping partner moved (new containers): its
                # relation to the métropole must follow.
                cooperation_geography_refresh(cooperation=existing)
                updated += 1
            else:
                unchanged += 1
        except ValidationError as error:
            raise ValidationError(f"{row['slug']}: {'; '.join(error.messages)}") from error
    return SeedReport(themes_changed, groupings, created, updated, unchanged)


def _partner_territory(slug: str, partner: dict) -> tuple[Territory, bool]:
    kind, code = partner["kind"], partner["code"]
    if kind in (TerritoryKind.GROUPING, TerritoryKind.FOREIGN):
        return grouping_upsert(
            kind=kind,
            code=code,
            name=partner["name"],
            category=partner.get("category", ""),
            siren=code if code.isdigit() and len(code) == 9 else "",
            containers=[tuple(pair) for pair in partner.get("contained_in", [])],
            source=SEED_LABEL[:100],
        )
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if territory is None:
        raise ValidationError(
            f"{slug}: partner {kind}:{code} is not in the database; "
            "run `manage.py import_territories` first"
        )
    return territory, False


def _differs(cooperation, fields, dates, themes, partners, sources) -> bool:
    if any(getattr(cooperation, name) != value for name, value in fields.items()):
        return True
    if (cooperation.start, cooperation.end) != (dates["start"], dates["end"]):
        return True
    if {t.pk for t in cooperation.themes.all()} != {t.pk for t in themes}:
        return True
    current_partners = [(p.territory_id, p.role) for p in cooperation.partnerships.all()]
    if current_partners != [(p.territory.pk, p.role) for p in partners]:
        return True
    current_sources = [
        SourceInput(title=s.title, publisher=s.publisher, date=s.date, url=s.url, note=s.note)
        for s in cooperation.sources.all()
    ]
    return current_sources != list(sources)
