"""Reference-data import: `territories.importers` (read and check) and
`territories.services.reference_data_import` (write), on a tiny release (see `release.py`)
and on the real shipped snapshot."""

from __future__ import annotations

import gzip
import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from territories import services
from territories.importers import read_reference_data
from territories.models import Containment, Territory, TerritoryCategory, TerritoryKind
from territories.services import reference_data_import
from tests.factories import TerritoryFactory, place

from .release import (
    CURRENT,
    Release,
    containers_of,
    contents_of,
    database_state,
    fixture_rows,
)

pytestmark = pytest.mark.django_db

BREST_METROPOLE = "242900314"
POHER = "242900744"  # CC Poher Communauté: Carhaix-Plouguer (29) and Plévin (22)
PLAINE_COMMUNE = "200057867"  # EPT
GRAND_PARIS = "200054781"
FIXTURE_SOURCE = "decoupage-administratif-fixture@1"


@pytest.fixture
def release(tmp_path) -> Release:
    return Release.copy_to(tmp_path / "release")


@pytest.fixture
def imported(release) -> Release:
    """The fixture release, already imported once."""
    reference_data_import(source=release.path)
    return release


def current_codes(kind: str) -> set[str]:
    return set(Territory.objects.current().of_kind(kind).values_list("code", flat=True))


def fixture_population(*communes: str) -> int:
    rows = fixture_rows("communes")
    return sum(Release.find(rows, code, of_type=CURRENT)["population"] for code in communes)


# First import ----------------------------------------------------------------------------


def test_first_import_creates_every_current_territory_and_reports_counts(release):
    report = reference_data_import(source=release.path)

    assert report.created == 2 + 3 + 8 + 2 + 1
    assert (report.updated, report.obsoleted, report.restored) == (0, 0, 0)
    assert report.containments_added == Containment.objects.count()
    assert report.summary().startswith(f"{FIXTURE_SOURCE}: territories 16 created")
    assert current_codes(TerritoryKind.REGION) == {"11", "53"}
    assert current_codes(TerritoryKind.DEPARTMENT) == {"22", "29", "93"}
    assert current_codes(TerritoryKind.COMMUNE) == {
        "22202", "29019", "29024", "29075", "29083", "29212", "93001", "93066",
    }  # fmt: skip
    assert current_codes(TerritoryKind.EPCI) == {BREST_METROPOLE, POHER}
    assert current_codes(TerritoryKind.EPT) == {PLAINE_COMMUNE}


def test_communes_deleguees_and_arrondissements_municipaux_are_not_imported(release):
    reference_data_import(source=release.path)

    assert not Territory.objects.filter(code="75101").exists()  # Paris 1er Arrondissement
    # The commune déléguée of Saint-Denis shares its code with the current commune and
    # comes after it in the file: it must neither replace nor duplicate it.
    saint_denis = Territory.objects.get(code="93066")
    assert saint_denis.kind == TerritoryKind.COMMUNE
    assert saint_denis.population == 149077
    assert saint_denis.postal_codes == ["93200", "93210", "93380"]


def test_first_import_places_each_commune_in_its_epci_ept_department_and_region(release):
    reference_data_import(source=release.path)

    assert containers_of(TerritoryKind.COMMUNE, "29019") == {
        f"epci:{BREST_METROPOLE}", "department:29", "region:53",
    }  # fmt: skip
    assert containers_of(TerritoryKind.COMMUNE, "22202") == {
        f"epci:{POHER}", "department:22", "region:53",
    }  # fmt: skip
    assert containers_of(TerritoryKind.COMMUNE, "93066") == {
        f"ept:{PLAINE_COMMUNE}", "department:93", "region:11",
    }  # fmt: skip
    # Île-de-Sein belongs to no EPCI.
    assert containers_of(TerritoryKind.COMMUNE, "29083") == {"department:29", "region:53"}


def test_epci_is_in_every_department_and_region_where_it_has_members(release):
    reference_data_import(source=release.path)

    assert containers_of(TerritoryKind.EPCI, POHER) == {
        "department:22", "department:29", "region:53",
    }  # fmt: skip
    assert containers_of(TerritoryKind.EPCI, BREST_METROPOLE) == {"department:29", "region:53"}
    assert containers_of(TerritoryKind.EPT, PLAINE_COMMUNE) == {"department:93", "region:11"}
    assert contents_of(TerritoryKind.EPCI, POHER, content_kind=TerritoryKind.COMMUNE) == {
        "29024", "22202",
    }  # fmt: skip


def test_department_is_in_its_region_and_region_in_nothing(release):
    reference_data_import(source=release.path)

    assert containers_of(TerritoryKind.DEPARTMENT, "29") == {"region:53"}
    assert containers_of(TerritoryKind.DEPARTMENT, "22") == {"region:53"}
    assert containers_of(TerritoryKind.DEPARTMENT, "93") == {"region:11"}
    assert containers_of(TerritoryKind.REGION, "53") == set()
    # Transitive: "everything in Bretagne" is one join.
    assert contents_of(TerritoryKind.REGION, "53", content_kind=TerritoryKind.COMMUNE) == {
        "22202", "29019", "29024", "29075", "29083", "29212",
    }  # fmt: skip


def test_populations_come_from_communes_for_areas_and_from_epci_file_for_groups(release):
    reference_data_import(source=release.path)
    population = dict(Territory.objects.values_list("code", "population"))

    assert population["29019"] == 142346  # communes.json, population municipale
    finistere = fixture_population("29019", "29024", "29075", "29083", "29212")
    assert population["29"] == finistere
    assert population["22"] == fixture_population("22202")
    assert population["53"] == finistere + population["22"]
    assert population["11"] == fixture_population("93001", "93066")
    # EPCI and EPT: `populationMunicipale` of epci.json / ept.json, another vintage than
    # the communes, so not the sum of the member communes.
    assert population[BREST_METROPOLE] == 213403
    assert population[BREST_METROPOLE] != fixture_population("29019", "29075", "29212")
    assert population[POHER] == 15416
    assert population[PLAINE_COMMUNE] == 453671


def test_import_sets_search_name_category_siren_postal_codes_source_and_vintage(release):
    reference_data_import(source=release.path)

    island = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="29083")
    assert island.search_name == "ile de sein"
    assert island.siren == "212900831"
    assert island.postal_codes == ["29990"]
    assert island.source == FIXTURE_SOURCE
    assert island.vintage == "COG 2026 (fixture)"
    metropole = Territory.objects.get(kind=TerritoryKind.EPCI, code=BREST_METROPOLE)
    assert metropole.category == TerritoryCategory.METRO
    assert metropole.is_metropolis
    assert metropole.siren == BREST_METROPOLE
    assert metropole.search_name == "brest metropole"
    assert metropole.vintage == "EPCI au 1er janvier 2025 (fixture)"
    assert Territory.objects.get(kind=TerritoryKind.EPT).category == ""
    assert set(Territory.objects.values_list("search_name", flat=True)) >= {
        "carhaix plouguer", "cc poher communaute", "plevin", "saint denis",
    }  # fmt: skip


def test_npm_package_folder_is_accepted_and_labelled_from_package_json(tmp_path):
    package = tmp_path / "package"
    Release.copy_to(package / "data")
    (package / "data" / "manifest.json").unlink()
    (package / "package.json").write_text(
        '{"name": "@etalab/decoupage-administratif", "version": "9.9.9"}', encoding="utf-8"
    )

    report = reference_data_import(source=package)

    assert report.source == "@etalab/decoupage-administratif@9.9.9"
    assert report.created == 16


def test_gzipped_files_are_read_like_plain_ones(release):
    for stem in ("communes", "epci"):
        plain = release.path / f"{stem}.json"
        with gzip.open(release.path / f"{stem}.json.gz", "wb") as packed:
            packed.write(plain.read_bytes())
        plain.unlink()

    assert reference_data_import(source=release.path).created == 16


# Later imports ---------------------------------------------------------------------------


def test_second_import_of_the_same_release_changes_nothing(imported):
    before = database_state()

    report = reference_data_import(source=imported.path)

    assert not report.changed
    assert report.summary() == f"{FIXTURE_SOURCE}: already up to date, nothing changed."
    assert database_state() == before  # including updated_at


def test_commune_missing_from_a_newer_release_is_marked_obsolete_not_deleted(imported):
    imported.set_version("2").remove_commune("29212")  # Plouzané

    report = reference_data_import(source=imported.path)

    plouzane = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="29212")
    assert plouzane.is_obsolete
    assert report.obsoleted == 1
    assert report.created == report.restored == 0
    assert Territory.objects.current().of_kind(TerritoryKind.COMMUNE).count() == 7
    # Kept with its last known containments, for history.
    assert f"epci:{BREST_METROPOLE}" in containers_of(TerritoryKind.COMMUNE, "29212")
    assert "1 obsoleted" in report.summary()


def test_epci_missing_from_a_newer_release_is_marked_obsolete(imported):
    imported.edit("epci", lambda rows: rows.remove(Release.find(rows, POHER)))

    report = reference_data_import(source=imported.path)

    assert Territory.objects.get(kind=TerritoryKind.EPCI, code=POHER).is_obsolete
    assert report.obsoleted == 1
    # Its communes are no longer placed in it.
    assert containers_of(TerritoryKind.COMMUNE, "29024") == {"department:29", "region:53"}


def test_territory_that_comes_back_in_a_later_release_is_restored(imported, tmp_path):
    original = imported.path
    newer = Release.copy_to(tmp_path / "newer").remove_commune("29212")
    reference_data_import(source=newer.path)

    report = reference_data_import(source=original)

    plouzane = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="29212")
    assert not plouzane.is_obsolete
    assert report.restored == 1
    assert report.created == report.obsoleted == 0
    assert report.updated == 2  # Finistère and Bretagne get Plouzané's population back
    assert "1 restored" in report.summary()
    assert containers_of(TerritoryKind.COMMUNE, "29212") == {
        f"epci:{BREST_METROPOLE}", "department:29", "region:53",
    }  # fmt: skip


def test_renamed_commune_is_updated_with_its_search_name(imported):
    imported.edit(
        "communes",
        lambda rows: Release.find(rows, "29075", of_type=CURRENT).update(nom="Guipavas-Océane"),
    )

    report = reference_data_import(source=imported.path)

    guipavas = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="29075")
    assert guipavas.name == "Guipavas-Océane"
    assert guipavas.search_name == "guipavas oceane"
    assert report.updated == 1
    assert report.created == report.obsoleted == report.containments_added == 0


def test_commune_that_changes_epci_loses_old_containment_and_gains_new(imported):
    imported.move_member("29024", source=POHER, target=BREST_METROPOLE)  # Carhaix-Plouguer

    report = reference_data_import(source=imported.path)

    assert containers_of(TerritoryKind.COMMUNE, "29024") == {
        f"epci:{BREST_METROPOLE}", "department:29", "region:53",
    }  # fmt: skip
    # Poher has no member left in Finistère.
    assert containers_of(TerritoryKind.EPCI, POHER) == {"department:22", "region:53"}
    assert report.containments_added == 1
    assert report.containments_removed == 2
    assert report.created == report.updated == report.obsoleted == 0


def test_population_change_updates_department_and_region_sums(imported):
    imported.edit(
        "communes",
        lambda rows: Release.find(rows, "29083", of_type=CURRENT).update(population=300),
    )

    reference_data_import(source=imported.path)

    population = dict(Territory.objects.values_list("code", "population"))
    assert population["29083"] == 300
    expected = fixture_population("29019", "29024", "29075", "29212") + 300
    assert population["29"] == expected
    assert population["53"] == expected + fixture_population("22202")


# Partial import (--departments) ------------------------------------------------------------


def test_partial_import_creates_only_what_touches_the_department(release):
    report = reference_data_import(source=release.path, departments={"29"})

    assert current_codes(TerritoryKind.REGION) == {"53"}
    assert current_codes(TerritoryKind.DEPARTMENT) == {"29"}
    assert current_codes(TerritoryKind.COMMUNE) == {"29019", "29024", "29075", "29083", "29212"}
    # Poher has members in 29, so it comes; Plévin (22) and the EPT (93) do not.
    assert current_codes(TerritoryKind.EPCI) == {BREST_METROPOLE, POHER}
    assert current_codes(TerritoryKind.EPT) == set()
    assert contents_of(TerritoryKind.EPCI, POHER, content_kind=TerritoryKind.COMMUNE) == {"29024"}
    assert containers_of(TerritoryKind.EPCI, POHER) == {"department:29", "region:53"}
    assert report.created == 1 + 1 + 5 + 2


def test_partial_import_never_obsoletes_anything_outside_or_inside_its_scope(imported):
    imported.remove_commune("93001").remove_commune("22202").remove_commune("29083")

    report = reference_data_import(source=imported.path, departments={"29"})

    assert report.obsoleted == 0
    assert not Territory.objects.filter(is_obsolete=True).exists()
    assert containers_of(TerritoryKind.COMMUNE, "93001") == {
        f"ept:{PLAINE_COMMUNE}", "department:93", "region:11",
    }  # fmt: skip
    assert f"epci:{POHER}" in containers_of(TerritoryKind.COMMUNE, "22202")


def test_partial_import_after_a_full_import_keeps_cross_border_epci_links(imported):
    """Regression: a partial import used to drop Poher ⊂ Côtes-d'Armor (outside scope)."""
    before = database_state()

    report = reference_data_import(source=imported.path, departments={"29"})

    assert not report.changed
    assert database_state() == before
    assert containers_of(TerritoryKind.EPCI, POHER) == {
        "department:22", "department:29", "region:53",
    }  # fmt: skip


def test_partial_import_links_cross_border_epci_to_departments_imported_later(release):
    reference_data_import(source=release.path, departments={"29"})

    reference_data_import(source=release.path, departments={"22"})

    assert containers_of(TerritoryKind.EPCI, POHER) == {
        "department:22", "department:29", "region:53",
    }  # fmt: skip
    assert contents_of(TerritoryKind.EPCI, POHER, content_kind=TerritoryKind.COMMUNE) == {
        "29024", "22202",
    }  # fmt: skip


def test_unknown_department_code_is_refused(imported):
    before = database_state()

    with pytest.raises(ValidationError, match=r"Unknown département code\(s\): 56, 99"):
        reference_data_import(source=imported.path, departments={"29", "56", "99"})

    assert database_state() == before


# Bad input: all or nothing -----------------------------------------------------------------


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _set(stem: str, code: str, of_type: str | None = None, /, **fields):
    def change(rows):
        Release.find(rows, code, of_type=of_type).update(fields)

    return stem, change


def _delete_field(stem: str, code: str, key: str):
    return stem, lambda rows: Release.find(rows, code).pop(key)


def _append(stem: str, row):
    return stem, lambda rows: rows.append(row)


def _add_member(group: str, member):
    return "epci", lambda rows: Release.find(rows, group)["membres"].append(member)


BAD_INPUTS = {
    "malformed JSON": (
        lambda r: _write(r.path / "communes.json", '[{"code": "29019",'),
        [r"communes\.json: not valid JSON"],
    ),
    "truncated gzip": (
        lambda r: (
            (r.path / "epci.json.gz").write_bytes(
                gzip.compress((r.path / "epci.json").read_bytes())[:200]
            ),
            (r.path / "epci.json").unlink(),
        ),
        [r"epci\.json\.gz: not valid JSON"],
    ),
    "file missing": (
        lambda r: (r.path / "ept.json").unlink(),
        [r"ept\.json: file not found"],
    ),
    "not a list": (
        lambda r: _write(r.path / "regions.json", '{"code": "53"}'),
        [r"regions\.json: expected a list of records"],
    ),
    "record not an object": (
        lambda r: r.edit(*_append("communes", "29019")),
        [r"communes\.json, record #11: not an object"],
    ),
    "missing nom": (
        lambda r: r.edit(*_delete_field("departements", "29", "nom")),
        [r"departements\.json, record #2 \(code 29, \?\): missing field 'nom'"],
    ),
    "blank code": (
        lambda r: r.edit(*_set("regions", "53", code="  ")),
        [r"regions\.json, record #2 .*missing field 'code'"],
    ),
    "negative population": (
        lambda r: r.edit(*_set("communes", "29075", CURRENT, population=-12)),
        [r"communes\.json, record #4 \(code 29075, Guipavas\)", "'population'", "non-negative"],
    ),
    "population not a number": (
        lambda r: r.edit(*_set("epci", POHER, populationMunicipale="15416")),
        [r"epci\.json, record #2 \(code 242900744, CC Poher Communauté\)", "non-negative"],
    ),
    "name too long": (
        lambda r: r.edit(*_set("communes", "29083", CURRENT, nom="Île" * 100)),
        [r"communes\.json, record #5", "longer than 200 characters"],
    ),
    "unknown EPCI type": (
        lambda r: r.edit(*_set("epci", BREST_METROPOLE, type="METROPOLE")),
        [r"epci\.json, record #1 \(code 242900314, Brest Métropole\)", "unknown EPCI type"],
    ),
    "EPCI code not a SIREN": (
        lambda r: r.edit(*_set("epci", POHER, code="2429007440")),
        [r"epci\.json, record #2", "9-digit SIREN"],
    ),
    "EPCI member not a known commune": (
        lambda r: r.edit(*_add_member(BREST_METROPOLE, {"code": "29999", "nom": "Nulle-Part"})),
        [r"epci\.json, record #1 \(code 242900314, Brest Métropole\)", "'29999' \\(Nulle-Part\\)"],
    ),
    "EPCI member not an object": (
        lambda r: r.edit(*_add_member(POHER, "29024")),
        [
            r"epci\.json, record #2 \(code 242900744, CC Poher Communauté\)",
            "member #3 \\('29024'\\)",
        ],
    ),
    "EPCI member is an arrondissement municipal": (
        lambda r: r.edit(*_add_member(POHER, {"code": "75101", "nom": "Paris 1er"})),
        [r"CC Poher Communauté", "'75101'", "not a known current commune"],
    ),
    "commune in an unknown département": (
        lambda r: r.edit(*_set("communes", "29019", CURRENT, departement="56")),
        [r"communes\.json, record #2 \(code 29019, Brest\)", "unknown département '56'"],
    ),
    "département in an unknown région": (
        lambda r: r.edit(*_set("departements", "93", region="12")),
        [r"departements\.json, record #3 \(code 93, Seine-Saint-Denis\)", "unknown région"],
    ),
    "duplicate commune": (
        lambda r: r.edit(
            *_append("communes", dict(Release.find(r.load("communes"), "29019", of_type=CURRENT)))
        ),
        [r"communes\.json, record #11 \(code 29019, Brest\)", "more than once"],
    ),
    "vintage label too long for the column": (
        lambda r: _write(
            r.path / "manifest.json",
            '{"version": "2", "vintages": {"communes": "' + "x" * 41 + '"}}',
        ),
        [r"manifest\.json: vintages\.communes must be text of at most 40 characters"],
    ),
    "manifest not valid JSON": (
        lambda r: _write(r.path / "manifest.json", "{"),
        [r"manifest\.json: not valid JSON"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.keys())
def test_bad_release_raises_validation_error_naming_file_and_record_and_writes_nothing(
    imported, case
):
    # A good change too: had anything been written, the rename would show.
    imported.edit(
        "communes",
        lambda rows: Release.find(rows, "93001", of_type=CURRENT).update(nom="Auber-Renamed"),
    )
    spoil, expected = BAD_INPUTS[case]
    spoil(imported)
    before = database_state()

    with pytest.raises(ValidationError) as caught:
        reference_data_import(source=imported.path)

    message = "; ".join(caught.value.messages)
    for pattern in expected:
        assert re.search(pattern, message), (pattern, message)
    assert database_state() == before


def test_source_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="not a folder"):
        reference_data_import(source=tmp_path / "nowhere")
    assert Territory.objects.count() == 0


def test_failure_while_writing_rolls_back_everything(imported, monkeypatch):
    imported.set_version("2").remove_commune("29212")
    imported.edit(
        "communes",
        lambda rows: Release.find(rows, "29075", of_type=CURRENT).update(nom="Guipavas-Neuf"),
    )
    before = database_state()

    def fail(data):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_sync_containments", fail)
    with pytest.raises(RuntimeError):
        reference_data_import(source=imported.path)

    assert database_state() == before


# Staff groupings ---------------------------------------------------------------------------


def test_staff_groupings_and_foreign_territories_are_never_touched(imported):
    bretagne = Territory.objects.get(kind=TerritoryKind.REGION, code="53")
    brest = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="29019")
    metropole = Territory.objects.get(kind=TerritoryKind.EPCI, code=BREST_METROPOLE)
    pole = TerritoryFactory(
        kind=TerritoryKind.GROUPING,
        category=TerritoryCategory.POLE_METROPOLITAIN,
        code="200071876",
        name="Pôle métropolitain Loire-Bretagne",
        population=None,
    )
    # Same code as an EPCI of the release: codes are unique per kind only.
    namesake = TerritoryFactory(
        kind=TerritoryKind.GROUPING, code=BREST_METROPOLE, name="Homonyme", population=7
    )
    cork = TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CO", name="Cork", population=1)
    place(pole, bretagne)
    place(metropole, pole)
    place(brest, pole)
    place(cork, pole)
    staff_rows = sorted(
        Territory.objects.filter(pk__in=[pole.pk, namesake.pk, cork.pk]).values_list()
    )
    # A newer release: Brest Métropole disappears, the région is renamed.
    imported.edit("epci", lambda rows: rows.remove(Release.find(rows, BREST_METROPOLE)))
    imported.edit("regions", lambda rows: Release.find(rows, "53").update(nom="Breizh"))

    reference_data_import(source=imported.path)

    assert (
        sorted(Territory.objects.filter(pk__in=[pole.pk, namesake.pk, cork.pk]).values_list())
        == staff_rows
    )
    assert containers_of(TerritoryKind.GROUPING, "200071876") == {"region:53"}
    assert contents_of(TerritoryKind.GROUPING, "200071876", content_kind=TerritoryKind.EPCI) == {
        BREST_METROPOLE
    }
    assert "grouping:200071876" in containers_of(TerritoryKind.COMMUNE, "29019")
    assert "grouping:200071876" in containers_of(TerritoryKind.FOREIGN, "IE-CO")
    assert Territory.objects.get(kind=TerritoryKind.EPCI, code=BREST_METROPOLE).is_obsolete


# The real shipped snapshot -----------------------------------------------------------------


def test_shipped_snapshot_finistere_import_has_brest_metropole_with_its_8_communes():
    report = reference_data_import(departments={"29"})

    assert report.source == "@etalab/decoupage-administratif@6.0.0"
    metropole = Territory.objects.get(kind=TerritoryKind.EPCI, code=BREST_METROPOLE)
    assert metropole.name == "Brest Métropole"
    assert metropole.category == TerritoryCategory.METRO
    assert metropole.population == 213403
    assert len(contents_of(TerritoryKind.EPCI, BREST_METROPOLE, content_kind="commune")) == 8
    assert containers_of(TerritoryKind.EPCI, BREST_METROPOLE) == {"department:29", "region:53"}
    assert set(
        Territory.objects.of_kind(TerritoryKind.DEPARTMENT).values_list("code", flat=True)
    ) == {"29"}


def test_shipped_snapshot_full_release_counts():
    """Read, not written: the whole release checked in a couple of seconds."""
    data = read_reference_data()

    kinds = Counter(kind for kind, _code in data.records)
    assert kinds == {
        TerritoryKind.REGION: 26,
        TerritoryKind.DEPARTMENT: 109,
        TerritoryKind.COMMUNE: 34969,
        TerritoryKind.EPCI: 1255,
        TerritoryKind.EPT: 11,
    }
    categories = Counter(
        record.category for record in data.records.values() if record.kind == TerritoryKind.EPCI
    )
    assert categories == {"CC": 989, "CA": 230, "CU": 14, "METRO": 21, "MET69": 1}

    members: dict[str, set[str]] = {}
    departments_of: dict[str, set[str]] = {}
    for (content_kind, content), (container_kind, container) in data.containments:
        if content_kind == TerritoryKind.COMMUNE and container_kind == TerritoryKind.EPCI:
            members.setdefault(container, set()).add(content)
        if content_kind == TerritoryKind.EPCI and container_kind == TerritoryKind.DEPARTMENT:
            departments_of.setdefault(content, set()).add(container)
    assert len(members[GRAND_PARIS]) == 130
    assert len(members[BREST_METROPOLE]) == 8
    assert sum(len(communes) for communes in members.values()) == 34871
    assert sum(1 for departments in departments_of.values() if len(departments) > 1) == 89
    in_an_epci = set().union(*members.values())
    outside = {
        code
        for kind, code in data.records
        if kind == TerritoryKind.COMMUNE and code not in in_an_epci
    }
    overseas_collectivities = ("975", "977", "978", "984", "986", "987", "988", "989")
    # Outside any EPCI: four islands, and the communes of the overseas collectivities (COM).
    assert len(outside) == 98
    assert {code for code in outside if not code.startswith(overseas_collectivities)} == {
        "22016", "29083", "29155", "85113",
    }  # fmt: skip


def test_shipped_snapshot_full_import_in_the_database():
    report = reference_data_import()

    assert report.created == 36370
    current = Territory.objects.current()
    assert current.of_kind(TerritoryKind.COMMUNE).count() == 34969
    assert current.of_kind(TerritoryKind.EPCI).count() == 1255
    assert current.metropolises().filter(category=TerritoryCategory.METRO).count() == 21
    assert current.metropolises().filter(category=TerritoryCategory.MET69).count() == 1
    assert current.of_kind(TerritoryKind.EPT).count() == 11
    assert current.of_kind(TerritoryKind.DEPARTMENT).count() == 109
    assert len(contents_of(TerritoryKind.EPCI, GRAND_PARIS, content_kind="commune")) == 130
    assert len(contents_of(TerritoryKind.EPCI, BREST_METROPOLE, content_kind="commune")) == 8
    assert Territory.objects.get(kind=TerritoryKind.DEPARTMENT, code="29").population == sum(
        Territory.objects.in_department("29")
        .of_kind(TerritoryKind.COMMUNE)
        .values_list("population", flat=True)
    )
