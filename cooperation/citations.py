"""How to cite registry records: one record or a selection, in BibTeX, RIS and CSL-JSON
(the formats Zotero, JabRef, EndNote and pandoc read), and the plain-text reference
shown on a record's page.

Each record is cited as a web page of the portal: its title, the portal as publisher,
the date of its last change as date of issue, its permanent address, and the day it was
consulted (the day the citation is produced). The record's page shows the plain-text
reference and links to these files."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .models import Cooperation

PUBLISHER = "Portail des coopérations interterritoriales"


@dataclass(frozen=True)
class CitationFormat:
    extension: str
    content_type: str
    label: str


FORMATS: dict[str, CitationFormat] = {
    "bib": CitationFormat("bib", "application/x-bibtex; charset=utf-8", "BibTeX"),
    "ris": CitationFormat("ris", "application/x-research-info-systems; charset=utf-8", "RIS"),
    "json": CitationFormat("json", "application/vnd.citationstyles.csl+json", "CSL-JSON"),
}

# The API names the formats by their common names (`?style=`).
STYLES = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}


@dataclass(frozen=True)
class Citation:
    """What a reference to one record holds, whatever the format."""

    key: str
    title: str
    url: str
    updated: datetime.date
    accessed: datetime.date
    summary: str


def citation_for(cooperation: Cooperation, base_url: str, accessed: datetime.date) -> Citation:
    """The reference to `cooperation`; `base_url` is the site's scheme and host."""
    return Citation(
        key=cooperation.slug,
        title=cooperation.title,
        url=base_url.rstrip("/") + cooperation.get_absolute_url(),
        updated=timezone.localdate(cooperation.updated_at),
        accessed=accessed,
        summary=cooperation.summary,
    )


def citations_for(
    cooperations: Iterable[Cooperation], base_url: str, accessed: datetime.date | None = None
) -> list[Citation]:
    accessed = accessed or timezone.localdate()
    return [citation_for(cooperation, base_url, accessed) for cooperation in cooperations]


def _bibtex_text(value: str) -> str:
    # Braces keep the capitals (BibTeX styles lowercase titles otherwise); the characters
    # LaTeX reads as commands are escaped. UTF-8 is read by biber and modern BibTeX.
    for char, escaped in (("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}")):
        value = value.replace(char, escaped)
    for char in "&%$#_":
        value = value.replace(char, "\\" + char)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def to_bibtex(citations: Iterable[Citation]) -> str:
    entries = []
    for citation in citations:
        fields = [
            ("title", "{" + _bibtex_text(citation.title) + "}"),
            ("author", "{" + _bibtex_text(PUBLISHER) + "}"),
            ("organization", _bibtex_text(PUBLISHER)),
            ("year", str(citation.updated.year)),
            ("month", str(citation.updated.month)),
            ("date", citation.updated.isoformat()),
            ("url", citation.url),
            ("urldate", citation.accessed.isoformat()),
            ("howpublished", r"\url{" + citation.url + "}"),
        ]
        if citation.summary:
            fields.append(("abstract", _bibtex_text(citation.summary)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@misc{{{citation.key},\n{body}\n}}\n")
    return "\n".join(entries)


def to_ris(citations: Iterable[Citation]) -> str:
    # RIS lines end with CRLF, as the specification says; one record ends with "ER  -".
    records = []
    for citation in citations:
        lines = [
            ("TY", "ELEC"),
            ("ID", citation.key),
            ("TI", citation.title),
            ("AU", PUBLISHER),
            ("PB", PUBLISHER),
            ("PY", str(citation.updated.year)),
            ("DA", citation.updated.strftime("%Y/%m/%d")),
            ("Y2", citation.accessed.strftime("%Y/%m/%d")),
            ("UR", citation.url),
        ]
        if citation.summary:
            lines.append(("AB", " ".join(citation.summary.split())))
        lines.append(("ER", ""))
        records.append("".join(f"{tag}  - {value}\r\n" for tag, value in lines))
    return "\r\n".join(records)


def csl_items(citations: Iterable[Citation]) -> list[dict]:
    items = []
    for citation in citations:
        updated, accessed = citation.updated, citation.accessed
        item = {
            "id": citation.key,
            "type": "webpage",
            "title": citation.title,
            "author": [{"literal": PUBLISHER}],
            "container-title": PUBLISHER,
            "publisher": PUBLISHER,
            "issued": {"date-parts": [[updated.year, updated.month, updated.day]]},
            "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
            "URL": citation.url,
        }
        if citation.summary:
            item["abstract"] = citation.summary
        items.append(item)
    return items


def to_csl_json(citations: Iterable[Citation]) -> str:
    return json.dumps(csl_items(citations), ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}


def render_citations(fmt: str, citations: list[Citation]) -> str:
    """The text of `citations` in `fmt` (a key of FORMATS)."""
    return WRITERS[fmt](citations)
