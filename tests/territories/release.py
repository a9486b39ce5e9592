"""A tiny `@etalab/decoupage-administratif` release for the importer tests, and helpers to
derive variants from it in a temporary folder.

`fixtures/release/` holds real records copied from the 6.0.0 package, with the member
lists of the EPCI and EPT trimmed to the communes kept:

- régions 53 Bretagne and 11 Île-de-France; départements 22, 29 and 93;
- 8 current communes: Brest, Guipavas, Plouzané (Brest Métropole, METRO), Carhaix-Plouguer
  (29) and Plévin (22) in CC Poher Communauté (an EPCI spanning two départements),
  Île-de-Sein (an island in no EPCI), Aubervilliers and Saint-Denis (EPT Plaine Commune);
- two records that must be ignored: the commune déléguée of Saint-Denis (same code as the
  current commune) and Paris 1er Arrondissement (an arrondissement municipal whose
  département, 75, is not in the release).

EPCI and EPT populations are the real `populationMunicipale`, hence not the sum of the
fixture communes — just as in the real files, where they are another vintage.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from territories.models import Containment, Territory

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "release"
CURRENT = "commune-actuelle"


class Release:
    """A writable copy of the fixture release."""

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def copy_to(cls, folder: Path) -> Release:
        shutil.copytree(FIXTURE, folder)
        return cls(folder)

    def load(self, stem: str) -> list:
        return json.loads((self.path / f"{stem}.json").read_text(encoding="utf-8"))

    def save(self, stem: str, rows) -> None:
        (self.path / f"{stem}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8"
        )

    def edit(self, stem: str, change: Callable[[list], object]) -> Release:
        """Apply `change` to the parsed rows of one file (in place) and write it back."""
        rows = self.load(stem)
        change(rows)
        self.save(stem, rows)
        return self

    @staticmethod
    def find(rows: list, code: str, *, of_type: str | None = None) -> dict:
        """The record with this code (of type `of_type`, e.g. "commune-actuelle", if given)."""
        return next(
            row
            for row in rows
            if row["code"] == code and (of_type is None or row["type"] == of_type)
        )

    def set_version(self, version: str) -> Release:
        manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        manifest["version"] = version
        (self.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return self

    # Common edits -----------------------------------------------------------------------

    def remove_commune(self, code: str) -> Release:
        """Drop a commune from communes.json and from every EPCI / EPT member list."""
        self.edit("communes", lambda rows: rows.remove(self.find(rows, code, of_type=CURRENT)))
        for stem in ("epci", "ept"):

            def drop_member(rows, stem=stem):
                for group in rows:
                    group["membres"] = [m for m in group["membres"] if m["code"] != code]

            self.edit(stem, drop_member)
        return self

    def move_member(self, commune: str, *, source: str, target: str) -> Release:
        """Move a commune from one EPCI to another (codes are SIREN)."""

        def move(rows):
            old = next(row for row in rows if row["code"] == source)
            new = next(row for row in rows if row["code"] == target)
            member = next(m for m in old["membres"] if m["code"] == commune)
            old["membres"].remove(member)
            new["membres"].append(member)

        return self.edit("epci", move)


def fixture_rows(stem: str) -> list:
    return json.loads((FIXTURE / f"{stem}.json").read_text(encoding="utf-8"))


def database_state() -> tuple:
    """Everything an import may write, to compare before and after."""
    territories = sorted(
        Territory.objects.values_list(
            "kind",
            "code",
            "name",
            "search_name",
            "category",
            "siren",
            "population",
            "postal_codes",
            "is_obsolete",
            "source",
            "vintage",
            "updated_at",
        )
    )
    containments = sorted(
        Containment.objects.values_list(
            "content__kind", "content__code", "container__kind", "container__code"
        )
    )
    return Territory.objects.count(), Containment.objects.count(), territories, containments


def containers_of(kind: str, code: str) -> set[str]:
    """`kind:code` of every territory that holds this one."""
    territory = Territory.objects.get(kind=kind, code=code)
    return {f"{t.kind}:{t.code}" for t in territory.containers.all()}


def contents_of(kind: str, code: str, *, content_kind: str) -> set[str]:
    """Codes of the territories of `content_kind` inside this one."""
    territory = Territory.objects.get(kind=kind, code=code)
    return set(territory.contents.filter(kind=content_kind).values_list("code", flat=True))
