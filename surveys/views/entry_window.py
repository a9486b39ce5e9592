"""A long repeatable step of the answer page (more entries than
`settings.SURVEY_ENTRIES_PER_STEP`), shown one entry per page: the list of its entries,
or the page of one of them (`?fiche=<number>`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings

from ..answering.answers import MAX_ENTRIES, entry_id_of, registry_slug_of
from ..answering.form import Section
from ..prefill import unprefilled_count


def is_windowed(value) -> bool:
    """Whether a repeatable section holds more entries than one page shows."""
    return isinstance(value, list) and len(value) > settings.SURVEY_ENTRIES_PER_STEP


@dataclass
class EntryWindow:
    """A long repeatable step, one entry per page: either the list of its entries
    (`entry` None) or the page of one of them."""

    entry: int | None
    total: int
    rows: list[dict]
    ids_json: str
    # Published records of the territory that a response cannot hold (beyond MAX_ENTRIES).
    unprefilled: int = 0
    limit: int = MAX_ENTRIES

    @classmethod
    def of(cls, page, section: Section, value: list, shown: int | None, errors) -> EntryWindow:
        entry = shown if shown is not None and 0 <= shown < len(value) else None
        rows = []
        if entry is None:
            failing = {path.split(".")[1] for path in errors if path.count(".") >= 2}
            rows = [
                {
                    "number": index + 1,
                    "title": section.entry_title(item),
                    "prefilled": bool(registry_slug_of(item)),
                    "has_errors": str(index) in failing,
                    "url": page.step_url(section.code, fiche=index + 1),
                }
                for index, item in enumerate(value)
            ]
        ids = [] if entry is None else [entry_id_of(value[entry])]
        return cls(
            entry=entry,
            total=len(value),
            rows=rows,
            ids_json=json.dumps(ids),
            unprefilled=unprefilled_count(page.territory) if entry is None else 0,
        )

    @property
    def shown(self) -> list[int]:
        return [] if self.entry is None else [self.entry]

    @property
    def number(self) -> int | None:
        return None if self.entry is None else self.entry + 1

    @property
    def previous_number(self) -> int | None:
        return self.entry if self.entry else None

    @property
    def next_number(self) -> int | None:
        if self.entry is None or self.entry + 1 >= self.total:
            return None
        return self.entry + 2
