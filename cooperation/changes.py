"""Whether a write would change a record: the one comparison behind `cooperation_update`'s
report, which the seed and the survey's promotion read instead of comparing on their
own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .dates import parse_partial_date
from .models import Cooperation, Theme


@dataclass(frozen=True)
class RecordChanges:
    """What a write changes on a record: its fields (by the name the services take,
    "start" and "end" for the dates), and whether its themes, partners or sources."""

    fields: frozenset[str] = frozenset()
    themes: bool = False
    partners: bool = False
    sources: bool = False

    def __bool__(self) -> bool:
        return bool(self.fields) or self.themes or self.partners or self.sources


def record_changes(
    cooperation: Cooperation,
    *,
    themes: Iterable[Theme] | None = None,
    partners: Sequence | None = None,
    sources: Sequence | None = None,
    **values,
) -> RecordChanges:
    """What `cooperation_update` with the same arguments would change (None: left alone).
    Reads the record's themes, partners and sources when they are given."""
    # Compared with the stored row, not the instance: a form may already have set the
    # new values on it (the admin's does).
    dates = [
        f"{name}_{part}"
        for name in ("start", "end")
        if name in values
        for part in ("date", "precision")
    ]
    names = [name for name in values if name not in ("start", "end")]
    stored = (
        Cooperation.objects.filter(pk=cooperation.pk).values(*names, *dates).first()
        if names or dates
        else {}
    )
    fields = {name for name in names if stored[name] != values[name]}
    fields |= {
        name
        for name in ("start", "end")
        if name in values and _date_differs(stored, name, values[name])
    }
    return RecordChanges(
        fields=frozenset(fields),
        themes=themes is not None
        and {t.pk for t in themes} != {t.pk for t in cooperation.themes.all()},
        partners=partners is not None
        and [(p.territory.pk, p.role) for p in partners]
        != [(p.territory_id, p.role) for p in cooperation.partnerships.all()],
        sources=sources is not None
        and [_citation(s) for s in sources] != [_citation(s) for s in cooperation.sources.all()],
    )


def _date_differs(stored: dict, name: str, typed: str) -> bool:
    try:
        wanted = parse_partial_date(typed)
    except ValidationError:
        return True  # the write refuses it
    return wanted != (stored[f"{name}_date"], stored[f"{name}_precision"])


def _citation(source) -> tuple:
    """A citation as a `SourceInput` or a stored `Source` gives it (dates as typed)."""
    return (source.title, source.publisher, source.date, source.url, source.note)
