"""The synthetic registry of the benches at tens of thousands of records (`registry.py`,
`network.py`), written through the ORM with `bulk_create`: each record led by a real
métropole with 2 other real partners drawn from the geography (`synthetic.candidate_partners`),
1 to 3 themes and a source; 90 % published. Partner relations are computed with the same
code as the services (`cooperation.geography`)."""

from __future__ import annotations

import random
import time
from datetime import date

from synthetic import DESCRIPTION, FUNDING, GOVERNANCE, SUMMARY, candidate_partners

BATCH = 2000


def _record(rng: random.Random, index: int, metropolis, groups: list):
    """Record `index` of `metropolis` (unsaved), and its partners, lead first."""
    from cooperation.dates import DatePrecision
    from cooperation.models import Cooperation, CooperationStatus, Instrument
    from territories.text import normalize_search_text

    partners = []
    while len(partners) < 2 and groups:
        choice = rng.choice(rng.choice(groups))
        if choice not in partners:
            partners.append(choice)
    pool = [metropolis, *partners]
    year = rng.randint(2005, 2024)
    precision = rng.choice(DatePrecision.values)
    title = f"{rng.choice(Instrument.labels)} n° {index} — {metropolis.name} et " + " / ".join(
        p.name for p in partners
    )
    cooperation = Cooperation(
        title=str(title)[:300],
        slug=f"bench-{index}",
        summary=SUMMARY,
        description=DESCRIPTION,
        instrument=rng.choice(Instrument.values),
        status=rng.choice(CooperationStatus.values),
        start_date=date(year, rng.randint(1, 12), 1),
        start_precision=precision,
        governance=GOVERNANCE,
        funding=FUNDING,
        is_published=rng.random() < 0.9,
        metropolis=metropolis,
        search_text=normalize_search_text(
            " ".join([str(title), SUMMARY, DESCRIPTION] + [p.name for p in pool])
        ),
    )
    return cooperation, pool


def _write_children(cooperations: list, plans: list, containers: dict) -> None:
    """The partnerships, theme links and source of each record just written."""
    from cooperation.geography import partner_relation
    from cooperation.models import Cooperation, PartnerRole, Partnership, Source

    link = Cooperation.themes.through
    partnerships, links, sources = [], [], []
    for cooperation, (pool, chosen_themes) in zip(cooperations, plans, strict=True):
        for position, territory in enumerate(pool):
            partnerships.append(
                Partnership(
                    cooperation=cooperation,
                    territory=territory,
                    role=PartnerRole.LEAD if position == 0 else PartnerRole.PARTNER,
                    relation=partner_relation(territory, pool[0], containers),
                    position=position,
                )
            )
        links.extend(link(cooperation=cooperation, theme=t) for t in chosen_themes)
        sources.append(
            Source(
                cooperation=cooperation,
                title=f"Délibération du conseil communautaire ({cooperation.slug})",
                url=f"https://example.org/deliberations/{cooperation.slug}",
            )
        )
    Partnership.objects.bulk_create(partnerships)
    link.objects.bulk_create(links)
    Source.objects.bulk_create(sources)


def build_registry(records: int, seed: int = 2018) -> dict:
    """`records` cooperations with 3 partners each, written with bulk_create."""
    from django.db import transaction

    from cooperation.geography import containers_by_territory
    from cooperation.models import Cooperation, Partnership, Theme

    started = time.perf_counter()
    rng = random.Random(seed)
    candidates = candidate_partners()
    metropolises = list(candidates)
    themes = list(Theme.objects.all())
    all_ids = {m.pk for m in metropolises} | {
        t.pk for groups in candidates.values() for group in groups for t in group
    }
    containers = containers_by_territory(all_ids)
    with transaction.atomic():
        for offset in range(0, records, BATCH):
            plans, cooperations = [], []
            for index in range(offset, min(records, offset + BATCH)):
                metropolis = metropolises[index % len(metropolises)]
                groups = [group for group in candidates[metropolis] if group]
                cooperation, pool = _record(rng, index, metropolis, groups)
                cooperations.append(cooperation)
                plans.append((pool, rng.sample(themes, rng.randint(1, 3))))
            Cooperation.objects.bulk_create(cooperations)
            _write_children(cooperations, plans, containers)
    return {
        "records": Cooperation.objects.count(),
        "published": Cooperation.objects.published().count(),
        "partnerships": Partnership.objects.count(),
        "metropolises": len(metropolises),
        "build_s": round(time.perf_counter() - started, 1),
    }
