"""The documented examples shipped in cooperation/data/seed_cooperations.json, loaded on top
of the real reference geography (the shipped snapshot, restricted to the départements the
seed needs). The import and the first load run once for the module, inside a transaction
that is rolled back at the end; each test runs in a savepoint inside it."""

import datetime
import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from cooperation.dates import DatePrecision
from cooperation.models import (
    Cooperation,
    Origin,
    PartnerRelation,
    Partnership,
    Source,
    Theme,
)
from cooperation.seed import DEFAULT_SEED, SeedReport, seed_cooperations_load
from territories.importers import DEFAULT_SNAPSHOT
from territories.models import Territory, TerritoryKind
from territories.services import reference_data_import

SEED = json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))
BREST_COB = "brest-pays-centre-ouest-bretagne-contrat-de-reciprocite"
# Rows marked ⚠ in docs (domain/cooperation-examples.md): #2, 8, 12, 13, 14, 16, 18, 23, 30, 31.
UNCERTAIN = [
    "toulouse-pays-portes-de-gascogne-contrat-de-reciprocite",
    "pole-metropolitain-loire-bretagne",
    "strasbourg-vallee-de-la-bruche-saint-die-contrat-de-reciprocite",
    "clermont-saint-flour-contrat-de-reciprocite",
    "montpellier-monts-de-lacaune-contrat-de-reciprocite-ville-montagne",
    "montpellier-vallee-de-l-herault-contrat-de-reciprocite",
    "bordeaux-angouleme-protocole-de-cooperation",
    "bordeaux-mont-de-marsan-protocole-de-cooperation",
    "lyon-pays-d-aurillac-contrat-de-reciprocite-experimental",
    "toulouse-massif-des-pyrenees-contrat-de-reciprocite-experimental",
]


def snapshot_rows(stem: str) -> list[dict]:
    with gzip.open(DEFAULT_SNAPSHOT / f"{stem}.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def seed_departments() -> set[str]:
    """The départements whose import brings in every partner and container of the seed."""
    communes = {
        row["code"]: row["departement"]
        for row in snapshot_rows("communes")
        if row["type"] == "commune-actuelle"
    }
    region_of = {row["code"]: row["region"] for row in snapshot_rows("departements")}
    epci = {row["code"]: row for row in snapshot_rows("epci")}
    departments, regions = set(), set()
    for record in SEED["cooperations"]:
        for partner in record["partners"]:
            kind, code = partner["kind"], partner["code"]
            if kind == TerritoryKind.EPCI:
                departments |= {communes[member["code"]] for member in epci[code]["membres"]}
            elif kind == TerritoryKind.COMMUNE:
                departments.add(communes[code])
            elif kind == TerritoryKind.DEPARTMENT:
                departments.add(code)
            elif kind == TerritoryKind.REGION:
                regions.add(code)
            for container_kind, container_code in partner.get("contained_in", []):
                if container_kind == TerritoryKind.DEPARTMENT:
                    departments.add(container_code)
                else:
                    regions.add(container_code)
    # A région is imported with any of its départements.
    for region in regions - {region_of[code] for code in departments}:
        departments.add(min(code for code, value in region_of.items() if value == region))
    return departments


@pytest.fixture(scope="module")
def first_load(django_db_setup, django_db_blocker):
    """Import the geography and load the seed once; everything is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_import(departments=seed_departments())
        report = seed_cooperations_load()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def seeded(first_load, db):
    return first_load


def by_slug(slug: str) -> Cooperation:
    return Cooperation.objects.get(slug=slug)


def history_counts() -> tuple[int, int, int]:
    return Cooperation.history.count(), Partnership.history.count(), Source.history.count()


def write_seed(tmp_path, data) -> Path:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def copy_of_seed() -> dict:
    return json.loads(json.dumps(SEED))


# First load ------------------------------------------------------------------------------


def test_first_load_creates_every_record_theme_and_grouping(seeded):
    assert seeded == SeedReport(themes=19, groupings=48, created=58, updated=0, unchanged=0)
    assert Cooperation.objects.count() == 58
    assert Theme.objects.count() == 19


def test_every_record_is_published_with_a_source_and_a_metropolis(seeded):
    records = Cooperation.objects.with_related()
    for record in records:
        assert record.is_published, record.slug
        assert record.origin == Origin.IMPORT, record.slug
        assert record.sources.all(), record.slug
        assert record.metropolis is not None and record.metropolis.is_metropolis, record.slug
        assert record.partnerships.filter(relation=PartnerRelation.REFERENCE).count() == 1


@pytest.mark.parametrize(
    ("slug", "date", "precision"),
    [
        (BREST_COB, datetime.date(2016, 11, 4), DatePrecision.DAY),  # 1
        ("toulouse-dialogue-metropolitain-reseau-de-villes", datetime.date(2013, 4, 1), "month"),
        ("pole-metropolitain-loire-bretagne", datetime.date(2012, 1, 1), DatePrecision.YEAR),
        ("toulouse-montpellier-accord-cadre", None, ""),  # 5: date not found
    ],
)
def test_start_dates_are_stored_at_their_precision(seeded, slug, date, precision):
    record = by_slug(slug)
    assert (record.start_date, record.start_precision) == (date, precision)


def test_end_dates_are_stored_at_their_precision(seeded):
    lyon = by_slug("pole-metropolitain-lyonnais")
    assert (lyon.start, lyon.end) == ("2012-05-31", "2022-12")
    assert by_slug("clermont-saint-flour-contrat-de-reciprocite").end == "2025"


@pytest.mark.parametrize("slug", UNCERTAIN)
def test_uncertain_rows_carry_an_uncertainty_note(seeded, slug):
    assert by_slug(slug).uncertainty_notes.strip()


def test_partners_outside_the_official_files_are_created_as_groupings_or_foreign(seeded):
    groupings = dict(
        Territory.objects.filter(
            kind__in=[TerritoryKind.GROUPING, TerritoryKind.FOREIGN]
        ).values_list("code", "kind")
    )
    assert len(groupings) == 48
    assert groupings["REGION-BRUXELLES-CAPITALE"] == TerritoryKind.FOREIGN
    assert groupings["PAYS-CENTRE-OUEST-BRETAGNE"] == TerritoryKind.GROUPING
    cob = Territory.objects.get(kind=TerritoryKind.GROUPING, code="PAYS-CENTRE-OUEST-BRETAGNE")
    assert {f"{t.kind}:{t.code}" for t in cob.containers.all()} == {
        "department:22",
        "department:29",
        "department:56",
        "region:53",
    }


@pytest.mark.parametrize(
    ("slug", "partner", "relation"),
    [
        (BREST_COB, "PAYS-CENTRE-OUEST-BRETAGNE", PartnerRelation.SAME_DEPARTMENT),
        ("lille-conventions-interterritoriales-2018-2019", "REGION-BRUXELLES-CAPITALE", "foreign"),
        ("rennes-contrat-de-cooperation-bassin-de-vie", "ETAT", PartnerRelation.UNKNOWN),
        ("rennes-contrat-de-cooperation-bassin-de-vie", "53", PartnerRelation.SAME_REGION),
        ("grenoble-trieves-isere-contrat-de-reciprocite", "38", PartnerRelation.SAME_DEPARTMENT),
        ("bordeaux-saintes-protocole-de-cooperation", "17415", PartnerRelation.SAME_REGION),
        ("pole-metropolitain-loire-bretagne", "244400404", PartnerRelation.OTHER_REGION),
        ("pole-metropolitain-loire-bretagne", "243500139", PartnerRelation.SAME_REGION),
    ],
)
def test_partner_relations_come_from_the_reference_geography(seeded, slug, partner, relation):
    partnership = by_slug(slug).partnerships.get(territory__code=partner)
    assert partnership.relation == relation


def test_lead_metropolis_is_the_reference_of_a_shared_pole(seeded):
    assert by_slug("pole-metropolitain-loire-bretagne").metropolis.code == "242900314"


# The 27 records of domain/cooperation-examples-2.md, and its complements to the first 31.

SECOND_SET = [row["slug"] for row in SEED["cooperations"][31:]]


def test_the_second_set_holds_27_records_after_the_first_31():
    assert len(SEED["cooperations"]) == 58
    assert len(SECOND_SET) == 27
    assert SECOND_SET[0] == "pole-metropolitain-d-alsace"
    assert SECOND_SET[-1] == "lyon-saint-etienne-charte-de-partenariat"


@pytest.mark.parametrize("slug", SECOND_SET)
def test_every_record_of_the_second_set_is_sourced_and_says_what_is_uncertain(seeded, slug):
    record = by_slug(slug)
    assert record.sources.exists()
    assert record.uncertainty_notes.strip()
    assert record.metropolis is not None and record.metropolis.is_metropolis


@pytest.mark.parametrize(
    ("slug", "start", "end"),
    [
        ("pole-metropolitain-d-alsace", "2011-12", ""),
        ("eurometropole-lille-kortrijk-tournai", "2008-01-28", ""),
        ("lyon-saint-etienne-charte-de-partenariat", "1997", ""),
        ("multipole-sud-lorraine", "", ""),
        # A complement: the pole's creation year, from the Métropole Rouen Normandie.
        ("pole-metropolitain-rouen-seine-eure", "2012", ""),
    ],
)
def test_second_set_dates_keep_their_precision(seeded, slug, start, end):
    record = by_slug(slug)
    assert (record.start, record.end) == (start, end)


def test_complements_to_the_first_records_are_applied(seeded):
    rouen = by_slug("pole-metropolitain-rouen-seine-eure")
    assert {t.code for t in rouen.themes.all()} == {"economic-development", "tourism", "mobility"}
    assert "metropole-rouen-normandie.fr" in rouen.sources.last().url
    lyon = by_slug("pole-metropolitain-lyonnais")
    assert "31 pour le Grand Lyon" in lyon.governance
    assert "rejoint en 2015" in lyon.uncertainty_notes
    assert (
        by_slug("pole-metropolitain-du-pays-de-brest")
        .sources.filter(url__contains="brest.fr")
        .exists()
    )
    assert "2015" in by_slug("toulouse-montpellier-accord-cadre").uncertainty_notes


def test_a_record_shared_by_two_metropolises_keeps_the_first_as_reference(seeded):
    record = by_slug("syndicat-des-mobilites-de-l-aire-metropolitaine-lyonnaise")
    assert record.metropolis.code == "200046977"
    other = record.partnerships.get(territory__code="244200770")
    assert other.territory.is_metropolis


@pytest.mark.parametrize(
    ("slug", "kind", "code", "relation"),
    [
        (
            "nice-genes-protocole-de-partenariat",
            "foreign",
            "IT-COMUNE-DI-GENOVA",
            PartnerRelation.FOREIGN,
        ),
        ("entente-axe-seine", "commune", "75056", PartnerRelation.MEMBER),
        (
            "bordeaux-medoc-protocole-de-cooperation",
            "grouping",
            "PNR-MEDOC",
            PartnerRelation.SAME_DEPARTMENT,
        ),
    ],
)
def test_second_set_partners_are_found_or_created(seeded, slug, kind, code, relation):
    partnership = by_slug(slug).partnerships.get(territory__kind=kind, territory__code=code)
    assert partnership.relation == relation


def test_a_foreign_partner_shared_by_two_records_is_one_territory(seeded):
    leiedal = Territory.objects.get(kind=TerritoryKind.FOREIGN, code="BE-INTERCOMMUNALE-LEIEDAL")
    assert set(leiedal.partnerships.values_list("cooperation__slug", flat=True)) == {
        "eurometropole-lille-kortrijk-tournai",
        "aire-metropolitaine-de-lille",
    }


# Second load -----------------------------------------------------------------------------


def test_second_load_changes_nothing(seeded):
    history = history_counts()
    territories = Territory.objects.count()
    report = seed_cooperations_load()
    assert report == SeedReport(themes=0, groupings=0, created=0, updated=0, unchanged=58)
    assert history_counts() == history
    assert Territory.objects.count() == territories


def test_a_record_edited_in_the_file_is_updated(seeded, tmp_path):
    data = copy_of_seed()
    data["cooperations"][0]["title"] = "Titre corrigé"
    report = seed_cooperations_load(path=write_seed(tmp_path, data))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 57)
    assert by_slug(BREST_COB).title == "Titre corrigé"


def test_a_grouping_moved_in_the_file_has_its_relation_recomputed(seeded, tmp_path):
    data = copy_of_seed()
    partner = data["cooperations"][0]["partners"][1]
    assert partner["code"] == "PAYS-CENTRE-OUEST-BRETAGNE"
    Territory.objects.get(code="PAYS-CENTRE-OUEST-BRETAGNE").containments_as_content.all().delete()
    partner["contained_in"] = [["region", "53"]]
    report = seed_cooperations_load(path=write_seed(tmp_path, data))
    assert (report.updated, report.unchanged) == (1, 57)
    relation = by_slug(BREST_COB).partnerships.get(territory__code=partner["code"]).relation
    assert relation == PartnerRelation.SAME_REGION


# Bad input -------------------------------------------------------------------------------


def test_unknown_partner_aborts_the_whole_load(seeded, tmp_path):
    data = copy_of_seed()
    valid_new = copy_of_seed()["cooperations"][0]
    valid_new["slug"] = "nouvelle-cooperation-valide"
    broken = copy_of_seed()["cooperations"][1]
    broken["slug"] = "cooperation-au-partenaire-inconnu"
    broken["partners"].append({"kind": "epci", "code": "999999999", "role": "partner"})
    data["cooperations"] += [valid_new, broken]
    history = history_counts()

    with pytest.raises(ValidationError) as error:
        seed_cooperations_load(path=write_seed(tmp_path, data))

    message = error.value.messages[0]
    assert "cooperation-au-partenaire-inconnu" in message
    assert "epci:999999999" in message
    assert not Cooperation.objects.filter(slug="nouvelle-cooperation-valide").exists()
    assert Cooperation.objects.count() == 58
    assert history_counts() == history


def test_invalid_record_aborts_the_whole_load_naming_it(seeded, tmp_path):
    data = copy_of_seed()
    data["cooperations"][0]["title"] = "Titre corrigé"
    data["cooperations"][2]["start"] = "2016-13"
    with pytest.raises(ValidationError) as error:
        seed_cooperations_load(path=write_seed(tmp_path, data))
    assert data["cooperations"][2]["slug"] in error.value.messages[0]
    assert by_slug(BREST_COB).title != "Titre corrigé"


def test_unreadable_seed_file_is_refused(seeded, tmp_path):
    path = tmp_path / "seed.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="cannot read the seed file"):
        seed_cooperations_load(path=path)


# Command ---------------------------------------------------------------------------------


def test_command_prints_its_summary(seeded):
    out = StringIO()
    call_command("load_seed_cooperations", stdout=out)
    assert out.getvalue().strip() == (
        "Seed cooperations: 0 created, 0 updated, 58 unchanged, 0 kept as changed since, "
        "0 overwritten; 0 themes; 0 partner groupings created or updated."
    )


def test_command_reports_a_bad_seed_without_a_traceback(seeded, tmp_path):
    data = copy_of_seed()
    data["cooperations"][0]["partners"][0]["code"] = "000000000"
    with pytest.raises(CommandError, match="Seed aborted, database unchanged"):
        call_command("load_seed_cooperations", path=write_seed(tmp_path, data))
