"""Many cooperation records fast, for the export tests that need volume.

The services (`cooperation_create`) validate and compute the geography record by record;
for hundreds or thousands of rows these helpers write the same tables with `bulk_create`
instead, filling what the services would derive (search text, reference métropole,
partner relations) with plausible values.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from cooperation.dates import DatePrecision
from cooperation.models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    PartnerRole,
    Partnership,
    Source,
    Theme,
)
from territories.models import Territory
from territories.text import normalize_search_text


def bulk_cooperations(
    count: int,
    *,
    metropolis: Territory,
    partners: Sequence[Territory],
    themes: Sequence[Theme] = (),
    published: bool = True,
    prefix: str = "bulk",
) -> list[Cooperation]:
    """`count` records, each with `metropolis` as lead plus every territory of `partners`,
    every theme, and one source."""
    statuses = CooperationStatus.values
    instruments = Instrument.values
    records = []
    for index in range(count):
        title = f"Coopération n° {index} entre {metropolis.name} et ses voisins"
        summary = f"Résumé de l’exemple {index} : mobilités, « santé », alimentation."
        records.append(
            Cooperation(
                title=title,
                slug=f"{prefix}-{index}",
                summary=summary,
                description="Description détaillée, avec des accents : é, è, ç, œ.\n" * 3,
                instrument=instruments[index % len(instruments)],
                status=statuses[index % len(statuses)],
                start_date=datetime.date(2010 + index % 12, 1 + index % 12, 1),
                start_precision=DatePrecision.MONTH,
                governance="Comité de pilotage annuel.",
                is_published=published,
                metropolis=metropolis,
                search_text=normalize_search_text(f"{title} {summary}"),
            )
        )
    records = Cooperation.objects.bulk_create(records)
    partnerships, theme_links, sources = [], [], []
    Link = Cooperation.themes.through
    for record in records:
        partnerships.append(
            Partnership(
                cooperation=record,
                territory=metropolis,
                role=PartnerRole.LEAD,
                relation=PartnerRelation.REFERENCE,
                position=0,
            )
        )
        partnerships.extend(
            Partnership(
                cooperation=record,
                territory=territory,
                role=PartnerRole.PARTNER,
                relation=PartnerRelation.SAME_DEPARTMENT,
                position=position,
            )
            for position, territory in enumerate(partners, start=1)
        )
        theme_links.extend(Link(cooperation=record, theme=theme) for theme in themes)
        sources.append(
            Source(
                cooperation=record,
                title=f"Délibération {record.slug}",
                url=f"https://example.org/deliberations/{record.slug}",
            )
        )
    Partnership.objects.bulk_create(partnerships)
    Link.objects.bulk_create(theme_links)
    Source.objects.bulk_create(sources)
    return records
