"""Writes to the cooperation registry. Every function is keyword-only and atomic, and
raises django.core.exceptions.ValidationError on bad input, writing nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territories.models import Territory

from .changes import RecordChanges, record_changes
from .dates import ends_before_start, parse_partial_date
from .geography_refresh import cooperation_geography_refresh
from .geography_refresh import registry_geography_refresh as registry_geography_refresh
from .models import Cooperation, PartnerRole, Partnership, Source, Theme

# What a record says of the cooperation (what the seed and a survey entry describe)…
DESCRIPTIVE_FIELDS = (
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
# …and every field a write may set beside the slug, themes, dates, partners and sources.
DETAIL_FIELDS = (*DESCRIPTIVE_FIELDS, "is_published", "origin", "origin_label", "origin_url")


@dataclass(frozen=True)
class PartnerInput:
    territory: Territory
    role: str = PartnerRole.PARTNER


@dataclass(frozen=True)
class SourceInput:
    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    note: str = ""

    @classmethod
    def from_source(cls, source: Source) -> SourceInput:
        """A stored citation as the services take it (its date typed at its precision)."""
        return cls(
            title=source.title,
            publisher=source.publisher,
            date=source.date,
            url=source.url,
            note=source.note,
        )


@transaction.atomic
def cooperation_create(
    *,
    title: str,
    instrument: str,
    partners: Sequence[PartnerInput],
    slug: str = "",
    themes: Iterable[Theme] = (),
    sources: Sequence[SourceInput] = (),
    start: str = "",
    end: str = "",
    user=None,
    change_reason: str = "",
    **details,
) -> Cooperation:
    """Create a record with its partners (at least one métropole), themes and sources.
    `change_reason`, when given, is written on the history rows of the change."""
    check_partners(partners)
    cooperation = Cooperation(
        title=title, instrument=instrument, slug=slug or _unique_slug(title), **details
    )
    _set_dates(cooperation, start=start, end=end)
    _save(cooperation, user=user, reason=change_reason)
    cooperation.themes.set(themes)
    _replace_partners(cooperation, partners, user=user, reason=change_reason)
    _replace_sources(cooperation, sources, user=user, reason=change_reason)
    cooperation_geography_refresh(cooperation=cooperation)
    return cooperation


@transaction.atomic
def cooperation_update(
    *,
    cooperation: Cooperation,
    user=None,
    themes: Iterable[Theme] | None = None,
    partners: Sequence[PartnerInput] | None = None,
    sources: Sequence[SourceInput] | None = None,
    change_reason: str = "",
    **changes,
) -> RecordChanges:
    """Change the given fields (and, when given, replace themes, partners or sources) of
    `cooperation`, in place. Writes nothing, not even a history row, when nothing given
    differs; returns what changed (false when nothing did). `change_reason`, when given,
    is written on the history rows of the change."""
    unknown = set(changes) - {*DETAIL_FIELDS, "slug", "start", "end"}
    if unknown:
        raise ValueError(f"Unknown cooperation fields: {', '.join(sorted(unknown))}")
    if partners is not None:
        check_partners(partners)
    report = record_changes(
        cooperation, themes=themes, partners=partners, sources=sources, **changes
    )
    if not report:
        return report
    dates = {key: changes.pop(key) for key in ("start", "end") if key in changes}
    for name, value in changes.items():
        setattr(cooperation, name, value)
    if dates:
        _set_dates(
            cooperation,
            start=dates.get("start", cooperation.start),
            end=dates.get("end", cooperation.end),
        )
    _save(cooperation, user=user, reason=change_reason)
    if themes is not None:
        cooperation.themes.set(themes)
    if partners is not None:
        _replace_partners(cooperation, partners, user=user, reason=change_reason)
    if sources is not None:
        _replace_sources(cooperation, sources, user=user, reason=change_reason)
    cooperation_geography_refresh(cooperation=cooperation)
    return report


@transaction.atomic
def cooperation_delete(*, cooperation: Cooperation, user=None) -> None:
    """Delete a record with its partners and sources (their history is kept)."""
    # Deleted one by one rather than by the cascade, so that their history rows name the
    # user too.
    for related in [*cooperation.partnerships.all(), *cooperation.sources.all()]:
        related._history_user = user
        related.delete()
    cooperation._history_user = user
    cooperation.delete()


@transaction.atomic
def partnership_add(
    *, cooperation: Cooperation, territory: Territory, role: str = PartnerRole.PARTNER, user=None
) -> Partnership:
    """Add a partner to a record."""
    if cooperation.partnerships.filter(territory=territory).exists():
        raise ValidationError(
            {"territory": _("Ce territoire est déjà partenaire de cette coopération.")}
        )
    position = cooperation.partnerships.count()
    partnership = Partnership(
        cooperation=cooperation, territory=territory, role=role, position=position
    )
    _save(partnership, user=user)
    cooperation_geography_refresh(cooperation=cooperation)
    _touch(cooperation, user=user)
    partnership.refresh_from_db()
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, role: str, user=None) -> Partnership:
    """Change a partner's role (the reference métropole may change with it)."""
    partnership.role = role
    _save(partnership, user=user)
    cooperation_geography_refresh(cooperation=partnership.cooperation)
    _touch(partnership.cooperation, user=user)
    partnership.refresh_from_db()
    return partnership


@transaction.atomic
def partnership_remove(*, partnership: Partnership, user=None) -> None:
    """Remove a partner; refused if it would leave the record without a métropole."""
    cooperation = partnership.cooperation
    remaining = [
        PartnerInput(territory=p.territory, role=p.role)
        for p in cooperation.partnerships.select_related("territory").exclude(pk=partnership.pk)
    ]
    check_partners(remaining)
    partnership._history_user = user
    partnership.delete()
    cooperation_geography_refresh(cooperation=cooperation)
    _touch(cooperation, user=user)


@transaction.atomic
def source_add(*, cooperation: Cooperation, source: SourceInput, user=None) -> Source:
    """Attach a citation to a record."""
    record = _build_source(cooperation, source, position=cooperation.sources.count())
    _save(record, user=user)
    _touch(cooperation, user=user)
    return record


@transaction.atomic
def source_update(*, source: Source, changes: SourceInput, user=None) -> Source:
    """Replace a citation's fields."""
    updated = _build_source(source.cooperation, changes, position=source.position)
    for name in ("title", "publisher", "published_on", "published_precision", "url", "note"):
        setattr(source, name, getattr(updated, name))
    _save(source, user=user)
    _touch(source.cooperation, user=user)
    return source


@transaction.atomic
def source_remove(*, source: Source, user=None) -> None:
    """Remove a citation."""
    cooperation = source.cooperation
    source._history_user = user
    source.delete()
    _touch(cooperation, user=user)


def check_partners(partners: Sequence[PartnerInput]) -> None:
    """The partner rules of every write (services, API, admin, survey): no territory twice,
    at least one métropole, known roles. Raises ValidationError on `partners`."""
    territories = [p.territory.pk for p in partners]
    if len(territories) != len(set(territories)):
        raise ValidationError({"partners": _("Un même territoire figure deux fois.")})
    if not any(p.territory.is_metropolis for p in partners):
        raise ValidationError(
            {"partners": _("Une coopération compte au moins une métropole parmi ses partenaires.")}
        )
    for partner in partners:
        if partner.role not in PartnerRole.values:
            raise ValidationError({"partners": _("Rôle inconnu : « %s ».") % partner.role})


def parse_dates(*, start: str, end: str) -> dict:
    """The date rules of every write: each date typed at its precision ("2016", "2016-11",
    "2016-11-04"), the end not before the start. Returns the model's four date fields;
    raises ValidationError on `start` / `end`."""
    errors, fields = {}, {}
    for name, value in (("start", start), ("end", end)):
        try:
            fields[f"{name}_date"], fields[f"{name}_precision"] = parse_partial_date(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    if ends_before_start(fields["start_date"], fields["end_date"], fields["end_precision"]):
        raise ValidationError({"end": _("La fin précède le début.")})
    return fields


def _set_dates(cooperation: Cooperation, *, start: str, end: str) -> None:
    for name, value in parse_dates(start=start, end=end).items():
        setattr(cooperation, name, value)


def _replace_partners(
    cooperation: Cooperation, partners: Sequence[PartnerInput], *, user, reason: str = ""
):
    existing = {p.territory_id: p for p in cooperation.partnerships.all()}
    wanted = {p.territory.pk for p in partners}
    for territory_id, partnership in existing.items():
        if territory_id not in wanted:
            _set_history_context(partnership, user=user, reason=reason)
            partnership.delete()
    for position, partner in enumerate(partners):
        partnership = existing.get(partner.territory.pk) or Partnership(
            cooperation=cooperation, territory=partner.territory
        )
        if partnership.pk and (partnership.role, partnership.position) == (partner.role, position):
            continue
        partnership.role, partnership.position = partner.role, position
        _save(partnership, user=user, reason=reason)


def _replace_sources(
    cooperation: Cooperation, sources: Sequence[SourceInput], *, user, reason: str = ""
):
    existing = list(cooperation.sources.all())
    records = [_build_source(cooperation, s, position=i) for i, s in enumerate(sources)]
    fields = ("title", "publisher", "published_on", "published_precision", "url", "note")
    same = len(existing) == len(records) and all(
        all(getattr(a, f) == getattr(b, f) for f in fields)
        for a, b in zip(existing, records, strict=True)
    )
    if same:
        return
    for source in existing:
        _set_history_context(source, user=user, reason=reason)
        source.delete()
    for record in records:
        _save(record, user=user, reason=reason)


def _build_source(cooperation: Cooperation, source: SourceInput, *, position: int) -> Source:
    try:
        published_on, precision = parse_partial_date(source.date)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from error
    return Source(
        cooperation=cooperation,
        title=source.title,
        publisher=source.publisher,
        published_on=published_on,
        published_precision=precision,
        url=source.url,
        note=source.note,
        position=position,
    )


def _save(instance, *, user, reason: str = "") -> None:
    """Validate fields and constraints, then save, recording who made the change (and
    why, when a reason is given)."""
    instance.full_clean(validate_unique=True)
    _set_history_context(instance, user=user, reason=reason)
    instance.save()


def _set_history_context(instance, *, user, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        # simple-history reads it for the history row of the next save or delete.
        instance._change_reason = reason


def _touch(cooperation: Cooperation, *, user) -> None:
    """A change to a partner or a source is a change to the record: move its `updated_at`
    (the history row this writes names the user)."""
    cooperation._history_user = user
    cooperation.save(update_fields=["updated_at"])


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "cooperation"
    slug, suffix = base, 2
    while Cooperation.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
