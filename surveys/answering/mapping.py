"""The census questionnaire's cooperation entry ↔ the registry's cooperation record.

One place says which question holds which registry field, so that pre-filling a response
from the registry, comparing a declared cooperation with its record and promoting an
entry into the registry all read the same correspondence.
"""

from __future__ import annotations

from cooperation.models import Cooperation
from territories.models import Territory

# Questions whose answer is a registry text field, copied as they are.
TEXT_FIELDS = {
    "coop_title": "title",
    "coop_summary": "summary",
    "coop_governance": "governance",
    "coop_engineering": "engineering",
    "coop_funding": "funding",
    "coop_outcomes": "outcomes",
    "coop_barriers": "difficulties",
}
# Questions whose answer is a registry code, copied as they are.
CODE_FIELDS = {
    "coop_instrument": "instrument",
    "coop_status": "status",
}
# Every question an entry built from a record may answer, in questionnaire order: the
# comparison of a declared entry with its record looks at these and nothing else.
COMPARED_QUESTIONS = (
    "coop_title",
    "coop_partners",
    "coop_instrument",
    "coop_themes",
    "coop_status",
    "coop_start_year",
    "coop_end_year",
    "coop_summary",
    "coop_governance",
    "coop_has_engineering",
    "coop_engineering",
    "coop_funding",
    "coop_outcomes",
    "coop_barriers",
    "coop_documents",
)


def territory_reference(territory: Territory) -> str:
    """The answer value naming a territory: "kind:code"."""
    return f"{territory.kind}:{territory.code}"


def registry_entry_id(cooperation: Cooperation) -> str:
    """The `_entry` identifier of an entry pre-filled from a record: stable, so that
    pre-filling twice yields the same entry."""
    return f"registry-{cooperation.slug}"[:64]


def source_line(source) -> str:
    """A source as one line of the "documents and links" answer: "title — url"."""
    parts = [source.title]
    if source.url:
        parts.append(source.url)
    return " — ".join(parts)


def entry_from_cooperation(cooperation: Cooperation, *, territory: Territory) -> dict:
    """The record expressed as a cooperation entry of the census questionnaire, as the
    answering `territory` would declare it (itself left out of the partners).

    Reads partnerships (with their territory), themes and sources: prefetch them when
    building many entries."""
    entry: dict = {
        "_entry": registry_entry_id(cooperation),
        "_registry_slug": cooperation.slug,
    }
    for question, field in {**TEXT_FIELDS, **CODE_FIELDS}.items():
        value = getattr(cooperation, field)
        if value:
            entry[question] = value
    partners = [
        territory_reference(partnership.territory)
        for partnership in sorted(cooperation.partnerships.all(), key=lambda p: p.position)
        if partnership.territory_id != territory.pk
    ]
    if partners:
        entry["coop_partners"] = partners
    themes = sorted(theme.code for theme in cooperation.themes.all())
    if themes:
        entry["coop_themes"] = themes
    if cooperation.start_date:
        entry["coop_start_year"] = cooperation.start_date.year
    if cooperation.end_date:
        entry["coop_end_year"] = cooperation.end_date.year
    if cooperation.engineering:
        entry["coop_has_engineering"] = True
    documents = [source_line(source) for source in cooperation.sources.all()]
    if documents:
        entry["coop_documents"] = "\n".join(documents)
    return entry


def entry_differences(declared: dict, recorded: dict) -> dict[str, str]:
    """For each compared question, how the declared entry stands against the record's:
    "same", "changed", "added" (answered only in the declaration) or "removed"."""
    differences = {}
    for question in COMPARED_QUESTIONS:
        ours, theirs = _comparable(declared.get(question)), _comparable(recorded.get(question))
        if ours == theirs:
            differences[question] = "same"
        elif theirs is None:
            differences[question] = "added"
        elif ours is None:
            differences[question] = "removed"
        else:
            differences[question] = "changed"
    return differences


def _comparable(value):
    """Empty answers compare as None; lists compare as sets of their items; text ignores
    surrounding blanks and line-ending differences."""
    if value in (None, "", [], {}):
        return None
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None
    if isinstance(value, list):
        return sorted(repr(item) for item in value)
    return value
