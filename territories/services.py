"""Writes to the reference geography."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.bulk_writes import insert_rows, update_rows

from .importers import ReferenceData, TerritoryRecord, read_reference_data
from .models import Containment, Territory, TerritoryKind
from .signals import reference_data_imported
from .text import normalize_search_text

REFERENCE_KINDS = (
    TerritoryKind.REGION,
    TerritoryKind.DEPARTMENT,
    TerritoryKind.COMMUNE,
    TerritoryKind.EPCI,
    TerritoryKind.EPT,
)
SYNCED_FIELDS = ("name", "category", "siren", "population", "postal_codes", "vintage", "source")
BATCH_SIZE = 2000


@dataclass(frozen=True)
class ImportReport:
    source: str
    created: int
    updated: int
    obsoleted: int
    restored: int
    containments_added: int
    containments_removed: int

    @property
    def changed(self) -> bool:
        return any(
            (
                self.created,
                self.updated,
                self.obsoleted,
                self.restored,
                self.containments_added,
                self.containments_removed,
            )
        )

    def summary(self) -> str:
        if not self.changed:
            return f"{self.source}: already up to date, nothing changed."
        return (
            f"{self.source}: territories {self.created} created, {self.updated} updated, "
            f"{self.obsoleted} obsoleted, {self.restored} restored; containments "
            f"{self.containments_added} added, {self.containments_removed} removed."
        )


def reference_data_import(
    *, source: Path | None = None, departments: set[str] | None = None
) -> ImportReport:
    """Load a release of the official geography: idempotent, non-destructive, all-or-nothing.

    The files are read and checked entirely before the database is touched. Territories
    missing from the release are marked obsolete (never deleted) on a full import; a
    partial import (`departments`) never obsoletes anything, since it does not see the
    whole country. Groupings and foreign territories created by staff are left alone.
    """
    data = read_reference_data(source, departments=departments)
    with transaction.atomic():
        report = _apply(data, full=not departments)
        if report.changed:
            reference_data_imported.send(sender=Territory, report=report)
        return report


def _apply(data: ReferenceData, *, full: bool) -> ImportReport:
    """Diff the release against the stored rows, then write only the differences, set-based
    (`COPY` on PostgreSQL: see portal.bulk_writes)."""
    existing = {
        (kind, code): (pk, is_obsolete, values)
        for pk, kind, code, is_obsolete, *values in Territory.objects.filter(
            kind__in=REFERENCE_KINDS
        ).values_list("pk", "kind", "code", "is_obsolete", *SYNCED_FIELDS)
    }
    now = timezone.now()
    to_create, to_update, restored = [], [], 0
    for key, record in data.records.items():
        values = _values(record, data.source)
        search_name = normalize_search_text(record.name)
        if key not in existing:
            to_create.append((*key, *values, search_name, False, now, now))
            continue
        pk, is_obsolete, stored = existing[key]
        restored += is_obsolete
        if is_obsolete or tuple(stored) != values:
            to_update.append((pk, *values, search_name, False, now))

    insert_rows(
        Territory,
        ["kind", "code", *SYNCED_FIELDS, "search_name", "is_obsolete", "created_at", "updated_at"],
        to_create,
    )
    update_rows(Territory, [*SYNCED_FIELDS, "search_name", "is_obsolete", "updated_at"], to_update)

    obsoleted = 0
    if full:
        missing = [pk for key, (pk, *_rest) in existing.items() if key not in data.records]
        for start in range(0, len(missing), BATCH_SIZE):
            obsoleted += Territory.objects.filter(
                pk__in=missing[start : start + BATCH_SIZE], is_obsolete=False
            ).update(is_obsolete=True, updated_at=now)

    added, removed = _sync_containments(data)
    return ImportReport(
        source=data.source,
        created=len(to_create),
        updated=len(to_update) - restored,
        obsoleted=obsoleted,
        restored=restored,
        containments_added=added,
        containments_removed=removed,
    )


def _values(record: TerritoryRecord, source: str) -> tuple:
    """The record's values of SYNCED_FIELDS, in that order."""
    return (
        record.name,
        record.category,
        record.siren,
        record.population,
        list(record.postal_codes),
        record.vintage,
        source,
    )


def _sync_containments(data: ReferenceData) -> tuple[int, int]:
    """Make the stored containments of every imported territory match the release."""
    ids = {
        (kind, code): pk
        for kind, code, pk in Territory.objects.filter(kind__in=REFERENCE_KINDS).values_list(
            "kind", "code", "id"
        )
    }
    # A partial import lists the départements and régions of a cross-border EPCI even
    # outside its scope; those not imported yet are skipped (a later import links them).
    wanted = {
        (ids[content], ids[container])
        for content, container in data.containments
        if container in ids
    }
    scoped_contents = {ids[key] for key in data.records}
    current = {
        (content_id, container_id): pk
        for pk, content_id, container_id in Containment.objects.filter(
            content__kind__in=REFERENCE_KINDS, container__kind__in=REFERENCE_KINDS
        ).values_list("id", "content_id", "container_id")
    }
    stale = [
        pk for pair, pk in current.items() if pair not in wanted and pair[0] in scoped_contents
    ]
    new = wanted - current.keys()
    insert_rows(Containment, ["content", "container"], sorted(new))
    removed = 0
    for start in range(0, len(stale), BATCH_SIZE):
        removed += Containment.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()[0]
    return len(new), removed


@transaction.atomic
def grouping_upsert(
    *,
    kind: str,
    code: str,
    name: str,
    category: str = "",
    siren: str = "",
    containers: Iterable[tuple[str, str]] = (),
    source: str = "",
    change_reason: str = "",
) -> tuple[Territory, bool]:
    """Create or update a territory that is not in the official files (PETR, pays, pôle
    métropolitain, association, foreign authority…) and place it in départements or
    régions, given as (kind, code) pairs. Returns (territory, changed). `change_reason`
    names the writer in the territory's history."""
    if kind not in (TerritoryKind.GROUPING, TerritoryKind.FOREIGN):
        raise ValidationError({"kind": f"'{kind}' is managed by the reference-data import"})
    territory = Territory.objects.filter(kind=kind, code=code).first()
    changed = territory is None
    if territory is None:
        territory = Territory(kind=kind, code=code)
    for field_name, value in (
        ("name", name),
        ("category", category),
        ("siren", siren),
        ("source", source),
    ):
        if getattr(territory, field_name) != value:
            setattr(territory, field_name, value)
            changed = True
    if changed:
        territory.full_clean()
        if change_reason:
            territory._change_reason = change_reason
        territory.save()
    wanted = []
    for container_kind, container_code in containers:
        container = Territory.objects.filter(kind=container_kind, code=container_code).first()
        if container is None:
            raise ValidationError(
                f"{name}: unknown container {container_kind}:{container_code} "
                "(import the reference geography first)"
            )
        wanted.append(container)
        # A grouping inside a département is inside its région too.
        wanted.extend(Territory.objects.containing(container))
    current = set(
        Containment.objects.filter(content=territory).values_list("container_id", flat=True)
    )
    missing = [c for c in {c.pk: c for c in wanted}.values() if c.pk not in current]
    Containment.objects.bulk_create(
        [Containment(content=territory, container=container) for container in missing]
    )
    return territory, changed or bool(missing)
