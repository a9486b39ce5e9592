import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cooperation.dates import DatePrecision
from cooperation.models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    PartnerRole,
    Partnership,
    Source,
)
from cooperation.services import (
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_delete,
    cooperation_update,
    partnership_add,
    partnership_remove,
    partnership_update,
    registry_geography_refresh,
    source_add,
    source_remove,
    source_update,
)
from territories.models import Containment, Territory, TerritoryKind
from territories.services import reference_data_import
from territories.signals import reference_data_imported
from tests.territories.release import Release

BREST_METROPOLE = "242900314"
POHER = "242900744"  # CC Poher Communauté: Carhaix-Plouguer (29) and Plévin (22)
A_LONG_TIME_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def registry_rows() -> tuple[int, ...]:
    """Everything a write may leave behind, history included."""
    return (
        Cooperation.objects.count(),
        Partnership.objects.count(),
        Source.objects.count(),
        Cooperation.history.count(),
        Partnership.history.count(),
        Source.history.count(),
    )


def age(cooperation: Cooperation) -> None:
    """Move `updated_at` into the past, so that a later bump is visible."""
    Cooperation.objects.filter(pk=cooperation.pk).update(updated_at=A_LONG_TIME_AGO)


def updated_at(cooperation: Cooperation) -> datetime.datetime:
    return Cooperation.objects.values_list("updated_at", flat=True).get(pk=cooperation.pk)


@pytest.fixture
def valid(brittany):
    """Keyword arguments for a valid `cooperation_create` call."""
    return {
        "title": "Contrat de réciprocité entre Brest et Quimper",
        "instrument": Instrument.RECIPROCITY_CONTRACT,
        "partners": [
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["quimper_agglo"]),
        ],
    }


# Create ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "date", "precision"),
    [
        ("2016", datetime.date(2016, 1, 1), DatePrecision.YEAR),
        ("2016-11", datetime.date(2016, 11, 1), DatePrecision.MONTH),
        ("2016-11-04", datetime.date(2016, 11, 4), DatePrecision.DAY),
        ("", None, ""),
    ],
)
def test_create_stores_the_start_at_its_precision(valid, start, date, precision):
    cooperation = cooperation_create(**valid, start=start)
    cooperation.refresh_from_db()
    assert (cooperation.start_date, cooperation.start_precision) == (date, precision)
    assert cooperation.start == start


def test_create_stores_partners_themes_sources_and_details(brittany, themes, valid):
    cooperation = cooperation_create(
        **valid,
        themes=[themes["mobility"], themes["tourism"]],
        sources=[
            SourceInput(title="Article", publisher="Localtis", date="2016-11", url="https://a.fr"),
            SourceInput(title="Communiqué", date="2016-11-04", note="Titre non relevé."),
        ],
        start="2016-11-04",
        end="2020",
        status=CooperationStatus.ENDED,
        summary="Ville et campagne.",
        uncertainty_notes="Date de signature discutée.",
        is_published=True,
    )
    cooperation.refresh_from_db()
    assert cooperation.slug == "contrat-de-reciprocite-entre-brest-et-quimper"
    assert cooperation.status == CooperationStatus.ENDED
    assert (cooperation.end_date, cooperation.end_precision) == (
        datetime.date(2020, 1, 1),
        DatePrecision.YEAR,
    )
    assert cooperation.uncertainty_notes == "Date de signature discutée."
    assert cooperation.is_published
    assert {t.code for t in cooperation.themes.all()} == {"mobility", "tourism"}
    assert [
        (p.territory.code, p.role, p.position, p.relation)
        for p in cooperation.partnerships.select_related("territory")
    ] == [
        (BREST_METROPOLE, PartnerRole.LEAD, 0, PartnerRelation.REFERENCE),
        ("242900694", PartnerRole.PARTNER, 1, PartnerRelation.SAME_DEPARTMENT),
    ]
    assert cooperation.metropolis == brittany["brest_metropole"]
    assert [(s.title, s.publisher, s.date, s.url, s.note) for s in cooperation.sources.all()] == [
        ("Article", "Localtis", "2016-11", "https://a.fr", ""),
        ("Communiqué", "", "2016-11-04", "", "Titre non relevé."),
    ]
    assert cooperation.sources.first().published_precision == DatePrecision.MONTH


def test_create_gives_a_unique_slug_from_the_title(valid):
    first = cooperation_create(**valid)
    second = cooperation_create(**valid)
    assert (first.slug, second.slug) == (
        "contrat-de-reciprocite-entre-brest-et-quimper",
        "contrat-de-reciprocite-entre-brest-et-quimper-2",
    )


def test_create_without_metropolis_is_refused_and_writes_nothing(brittany, themes):
    with pytest.raises(ValidationError) as error:
        cooperation_create(
            title="Sans métropole",
            instrument=Instrument.INFORMAL,
            partners=[PartnerInput(brittany["quimper_agglo"]), PartnerInput(brittany["29232"])],
            themes=[themes["mobility"]],
            sources=[SourceInput(title="Article")],
        )
    assert "métropole" in error.value.message_dict["partners"][0]
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


def test_create_without_partners_is_refused(brittany):
    with pytest.raises(ValidationError) as error:
        cooperation_create(title="Personne", instrument=Instrument.INFORMAL, partners=[])
    assert "partners" in error.value.message_dict
    assert not Cooperation.objects.exists()


def test_create_with_the_same_partner_twice_is_refused(brittany):
    with pytest.raises(ValidationError) as error:
        cooperation_create(
            title="Doublon",
            instrument=Instrument.INFORMAL,
            partners=[
                PartnerInput(brittany["brest_metropole"]),
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            ],
        )
    assert error.value.message_dict["partners"] == ["Un même territoire figure deux fois."]
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


def test_create_with_unknown_role_is_refused(brittany):
    with pytest.raises(ValidationError) as error:
        cooperation_create(
            title="Rôle",
            instrument=Instrument.INFORMAL,
            partners=[PartnerInput(brittany["brest_metropole"], "boss")],
        )
    assert "boss" in error.value.message_dict["partners"][0]


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"start": "2016-13"}, "start"),
        ({"start": "16"}, "start"),
        ({"end": "2016-02-30"}, "end"),
        ({"start": "2019-05", "end": "2019-04-30"}, "end"),
        ({"start": "2020", "end": "2019"}, "end"),
    ],
)
def test_create_with_bad_dates_is_refused_and_writes_nothing(valid, dates, field):
    with pytest.raises(ValidationError) as error:
        cooperation_create(**valid, **dates, sources=[SourceInput(title="Article")])
    assert list(error.value.message_dict) == [field]
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


def test_create_ending_the_month_it_starts_is_accepted(valid):
    cooperation = cooperation_create(**valid, start="2019-05-12", end="2019-05")
    assert (cooperation.start, cooperation.end) == ("2019-05-12", "2019-05")


def test_create_with_too_long_title_is_refused(valid):
    with pytest.raises(ValidationError) as error:
        cooperation_create(**{**valid, "title": "x" * 301}, slug="long")
    assert "title" in error.value.message_dict
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


def test_create_with_unknown_instrument_is_refused(valid):
    with pytest.raises(ValidationError) as error:
        cooperation_create(**{**valid, "instrument": "treaty"})
    assert "instrument" in error.value.message_dict


def test_create_with_a_taken_slug_is_refused(valid):
    cooperation_create(**valid, slug="brest-quimper")
    with pytest.raises(ValidationError) as error:
        cooperation_create(**valid, slug="brest-quimper")
    assert "slug" in error.value.message_dict
    assert Cooperation.objects.count() == 1


def test_create_with_a_bad_source_date_writes_nothing(valid):
    with pytest.raises(ValidationError) as error:
        cooperation_create(**valid, sources=[SourceInput(title="Article", date="2016-13")])
    assert "date" in error.value.message_dict
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


def test_create_with_a_bad_source_url_writes_nothing(valid):
    with pytest.raises(ValidationError) as error:
        cooperation_create(**valid, sources=[SourceInput(title="Article", url="pas une adresse")])
    assert "url" in error.value.message_dict
    assert registry_rows() == (0, 0, 0, 0, 0, 0)


# Update ----------------------------------------------------------------------------------


def test_update_replaces_partners_and_recomputes_metropolis_and_relations(brittany, registry):
    cooperation = registry["brest_quimper"]
    cooperation_update(
        cooperation=cooperation,
        partners=[
            PartnerInput(brittany["saint_etienne_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["quimper_agglo"]),
            PartnerInput(brittany["42218"]),
        ],
    )
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["saint_etienne_metropole"]
    assert [
        (p.territory.name, p.role, p.position, p.relation)
        for p in cooperation.partnerships.select_related("territory")
    ] == [
        ("Saint-Étienne Métropole", PartnerRole.LEAD, 0, PartnerRelation.REFERENCE),
        ("CA Quimper Bretagne Occidentale", PartnerRole.PARTNER, 1, PartnerRelation.OTHER_REGION),
        ("Saint-Étienne", PartnerRole.PARTNER, 2, PartnerRelation.MEMBER),
    ]
    assert "saint etienne metropole" in cooperation.search_text
    assert "brest metropole" not in cooperation.search_text


def test_update_keeps_unchanged_partners_rows(brittany, registry):
    cooperation = registry["brest_quimper"]
    before = set(cooperation.partnerships.values_list("pk", flat=True))
    history = Partnership.history.count()
    cooperation_update(
        cooperation=cooperation,
        partners=[
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["quimper_agglo"]),
        ],
    )
    after = set(cooperation.partnerships.values_list("pk", flat=True))
    assert after < before
    assert Partnership.history.count() == history + 1  # the one removed


def test_update_reports_what_it_changed(registry, themes):
    cooperation = registry["brest_quimper"]
    report = cooperation_update(
        cooperation=cooperation,
        title="Nouveau titre",
        summary=cooperation.summary,
        start=cooperation.start,
        end="2021",
        themes=[themes["economic-development"]],
        partners=[
            PartnerInput(p.territory, p.role)
            for p in cooperation.partnerships.select_related("territory")
        ],
    )
    assert report
    assert report.fields == {"title", "end"}
    assert (report.themes, report.partners, report.sources) == (True, False, False)


def test_update_that_changes_nothing_writes_nothing(registry):
    cooperation = registry["brest_quimper"]
    age(cooperation)
    rows = registry_rows()
    report = cooperation_update(
        cooperation=cooperation,
        title=cooperation.title,
        start=cooperation.start,
        themes=list(cooperation.themes.all()),
        partners=[
            PartnerInput(p.territory, p.role)
            for p in cooperation.partnerships.select_related("territory")
        ],
        sources=[SourceInput.from_source(s) for s in cooperation.sources.all()],
        change_reason="Relecture",
    )
    assert not report
    assert registry_rows() == rows
    assert updated_at(cooperation) == A_LONG_TIME_AGO


def test_update_compares_with_the_stored_row_not_the_instance(registry):
    """A form may set the new values on the instance before the service runs."""
    cooperation = registry["brest_quimper"]
    cooperation.title = "Titre du formulaire"
    assert cooperation_update(cooperation=cooperation, title="Titre du formulaire")
    assert Cooperation.objects.get(pk=cooperation.pk).title == "Titre du formulaire"


def test_update_changes_fields_dates_themes_and_sources(registry, themes):
    cooperation = registry["brest_quimper"]
    cooperation_update(
        cooperation=cooperation,
        title="Nouveau titre",
        status=CooperationStatus.ENDED,
        end="2021-06",
        themes=[themes["economic-development"]],
        sources=[SourceInput(title="Seule source", date="2021")],
    )
    cooperation.refresh_from_db()
    assert cooperation.title == "Nouveau titre"
    assert (cooperation.start, cooperation.end) == ("2016-11-04", "2021-06")
    assert [t.code for t in cooperation.themes.all()] == ["economic-development"]
    assert [(s.title, s.date) for s in cooperation.sources.all()] == [("Seule source", "2021")]
    assert "nouveau titre" in cooperation.search_text


def test_update_clears_a_date_given_empty(registry):
    cooperation = registry["brest_quimper"]
    cooperation_update(cooperation=cooperation, start="")
    cooperation.refresh_from_db()
    assert (cooperation.start_date, cooperation.start_precision) == (None, "")


def test_update_ending_before_the_stored_start_is_refused(registry):
    cooperation = registry["brest_quimper"]
    with pytest.raises(ValidationError) as error:
        cooperation_update(cooperation=cooperation, end="2015")
    assert list(error.value.message_dict) == ["end"]
    assert Cooperation.objects.get(pk=cooperation.pk).end_date is None


def test_update_without_metropolis_is_refused_and_keeps_partners(brittany, registry):
    cooperation = registry["brest_quimper"]
    before = list(cooperation.partnerships.values_list("territory_id", "role", "relation"))
    with pytest.raises(ValidationError) as error:
        cooperation_update(
            cooperation=cooperation,
            title="Changement perdu",
            partners=[PartnerInput(brittany["quimper_agglo"], PartnerRole.LEAD)],
        )
    assert "partners" in error.value.message_dict
    assert list(cooperation.partnerships.values_list("territory_id", "role", "relation")) == before
    assert Cooperation.objects.get(pk=cooperation.pk).title != "Changement perdu"


def test_update_with_too_long_title_writes_nothing(registry):
    cooperation = registry["brest_quimper"]
    rows = registry_rows()
    with pytest.raises(ValidationError) as error:
        cooperation_update(cooperation=cooperation, title="x" * 301)
    assert "title" in error.value.message_dict
    assert registry_rows() == rows


def test_update_with_unknown_field_is_a_programming_error(registry):
    with pytest.raises(ValueError, match="metropolis"):
        cooperation_update(cooperation=registry["brest_quimper"], metropolis=None)


# Partners --------------------------------------------------------------------------------


def test_partnership_add_appends_with_its_relation(brittany, registry):
    cooperation = registry["brest_quimper"]
    partnership = partnership_add(cooperation=cooperation, territory=brittany["29075"])
    assert (partnership.position, partnership.role, partnership.relation) == (
        3,
        PartnerRole.PARTNER,
        PartnerRelation.MEMBER,
    )
    cooperation.refresh_from_db()
    assert "guipavas" in cooperation.search_text


def test_partnership_add_of_a_lead_metropolis_changes_the_reference(brittany, registry):
    cooperation = registry["saint_etienne_pole"]
    partnership_update(
        partnership=cooperation.partnerships.get(territory=brittany["saint_etienne_metropole"]),
        role=PartnerRole.PARTNER,
    )
    partnership_add(
        cooperation=cooperation, territory=brittany["brest_metropole"], role=PartnerRole.LEAD
    )
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["brest_metropole"]
    assert cooperation.partnerships.get(territory=brittany["loire"]).relation == (
        PartnerRelation.OTHER_REGION
    )


def test_partnership_add_of_an_existing_partner_is_refused(brittany, registry):
    with pytest.raises(ValidationError) as error:
        partnership_add(cooperation=registry["brest_quimper"], territory=brittany["quimper_agglo"])
    assert "territory" in error.value.message_dict
    assert registry["brest_quimper"].partnerships.count() == 3


def test_partnership_add_with_unknown_role_is_refused(brittany, registry):
    with pytest.raises(ValidationError) as error:
        partnership_add(
            cooperation=registry["brest_quimper"], territory=brittany["29075"], role="boss"
        )
    assert "role" in error.value.message_dict
    assert registry["brest_quimper"].partnerships.count() == 3


def test_partnership_update_to_lead_moves_the_reference_metropolis(brittany, registry):
    cooperation = registry["ocean_network"]
    partnership_update(
        partnership=cooperation.partnerships.get(territory=brittany["brest_metropole"]),
        role=PartnerRole.PARTNER,
    )
    partnership = partnership_update(
        partnership=cooperation.partnerships.get(territory=brittany["saint_etienne_metropole"]),
        role=PartnerRole.LEAD,
    )
    assert partnership.relation == PartnerRelation.REFERENCE
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["saint_etienne_metropole"]
    assert cooperation.partnerships.get(territory=brittany["brest_metropole"]).relation == (
        PartnerRelation.OTHER_REGION
    )


def test_partnership_remove_recomputes_the_reference(brittany, registry):
    cooperation = registry["ocean_network"]
    partnership_remove(
        partnership=cooperation.partnerships.get(territory=brittany["brest_metropole"])
    )
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["saint_etienne_metropole"]
    assert "brest metropole" not in cooperation.search_text
    assert not cooperation.partnerships.filter(territory=brittany["brest_metropole"]).exists()


def test_partnership_remove_of_the_last_metropolis_is_refused(brittany, registry):
    cooperation = registry["brest_quimper"]
    with pytest.raises(ValidationError) as error:
        partnership_remove(
            partnership=cooperation.partnerships.get(territory=brittany["brest_metropole"])
        )
    assert "partners" in error.value.message_dict
    assert cooperation.partnerships.filter(territory=brittany["brest_metropole"]).exists()
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["brest_metropole"]


# Sources ---------------------------------------------------------------------------------


def test_source_add_appends_and_bumps_updated_at(registry):
    cooperation = registry["brest_quimper"]
    age(cooperation)
    source = source_add(
        cooperation=cooperation, source=SourceInput(title="Nouvel article", date="2017-03")
    )
    assert (source.position, source.date, source.published_precision) == (
        2,
        "2017-03",
        DatePrecision.MONTH,
    )
    assert updated_at(cooperation) > A_LONG_TIME_AGO


def test_source_update_replaces_fields_and_bumps_updated_at(registry):
    cooperation = registry["brest_quimper"]
    source = cooperation.sources.first()
    age(cooperation)
    source_update(source=source, changes=SourceInput(title="Titre corrigé", date="2016-11-05"))
    source.refresh_from_db()
    assert (source.title, source.publisher, source.date, source.position) == (
        "Titre corrigé",
        "",
        "2016-11-05",
        0,
    )
    assert updated_at(cooperation) > A_LONG_TIME_AGO


def test_source_update_with_bad_date_changes_nothing(registry):
    cooperation = registry["brest_quimper"]
    source = cooperation.sources.first()
    age(cooperation)
    with pytest.raises(ValidationError) as error:
        source_update(source=source, changes=SourceInput(title="Titre", date="2016-02-30"))
    assert "date" in error.value.message_dict
    assert Source.objects.get(pk=source.pk).title == "Signature du contrat"
    assert updated_at(cooperation) == A_LONG_TIME_AGO


def test_source_remove_deletes_and_bumps_updated_at(registry):
    cooperation = registry["brest_quimper"]
    source = cooperation.sources.first()
    age(cooperation)
    source_remove(source=source)
    assert [s.title for s in cooperation.sources.all()] == ["Bilan"]
    assert updated_at(cooperation) > A_LONG_TIME_AGO


# Delete and history ----------------------------------------------------------------------


def test_delete_removes_the_record_and_keeps_its_history(registry, staff_user):
    cooperation = registry["brest_quimper"]
    pk = cooperation.pk
    cooperation_delete(cooperation=cooperation, user=staff_user)
    assert not Cooperation.objects.filter(pk=pk).exists()
    assert not Partnership.objects.filter(cooperation_id=pk).exists()
    assert not Source.objects.filter(cooperation_id=pk).exists()
    history = Cooperation.history.filter(id=pk)
    assert history.first().history_type == "-"
    assert history.first().history_user == staff_user
    assert history.last().history_type == "+"
    deleted_partners = Partnership.history.filter(cooperation_id=pk, history_type="-")
    assert deleted_partners.count() == 3
    assert {h.history_user for h in deleted_partners} == {staff_user}
    assert Source.history.filter(cooperation_id=pk, history_type="-").count() == 2


def test_history_records_the_user_of_each_write(brittany, valid, staff_user, member_user):
    cooperation = cooperation_create(**valid, user=staff_user)
    assert cooperation.history.first().history_user == staff_user
    assert cooperation.history.first().history_type in {"+", "~"}
    cooperation_update(cooperation=cooperation, title="Autre titre", user=member_user)
    latest = cooperation.history.first()
    assert (latest.history_user, latest.title) == (member_user, "Autre titre")
    partnership = partnership_add(
        cooperation=cooperation, territory=brittany["29075"], user=member_user
    )
    assert partnership.history.first().history_user == member_user
    source_add(cooperation=cooperation, source=SourceInput(title="Article"), user=staff_user)
    assert Source.history.first().history_user == staff_user
    assert cooperation.history.first().history_user == staff_user


def test_search_text_holds_title_summary_and_partner_names_without_accents(registry):
    cooperation = registry["brest_quimper"]
    cooperation.refresh_from_db()
    text = cooperation.search_text
    for words in (
        "contrat de reciprocite entre brest et quimper",
        "cooperation ville campagne",
        "brest metropole",
        "ca quimper bretagne occidentale",
        "pays du centre ouest bretagne",
    ):
        assert words in text


# Geography refresh -----------------------------------------------------------------------


def test_registry_refresh_follows_a_moved_containment_after_the_import_signal(brittany, registry):
    cooperation = cooperation_create(
        title="Brest et Quimper (commune)",
        instrument=Instrument.INFORMAL,
        partners=[PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["29232"])],
    )
    assert cooperation.partnerships.get(territory=brittany["29232"]).relation == (
        PartnerRelation.SAME_DEPARTMENT
    )
    Containment.objects.filter(
        content=brittany["29232"], container=brittany["quimper_agglo"]
    ).update(container=brittany["brest_metropole"])
    reference_data_imported.send(sender=Territory, report=None)
    assert cooperation.partnerships.get(territory=brittany["29232"]).relation == (
        PartnerRelation.MEMBER
    )


def test_registry_refresh_counts_and_repairs_every_record(brittany, registry):
    Partnership.objects.update(relation=PartnerRelation.UNKNOWN)
    Cooperation.objects.update(metropolis=None, search_text="")
    assert registry_geography_refresh() == 4
    brest_quimper = Cooperation.objects.get(pk=registry["brest_quimper"].pk)
    assert brest_quimper.metropolis == brittany["brest_metropole"]
    assert "quimper" in brest_quimper.search_text
    assert not Partnership.objects.filter(relation=PartnerRelation.UNKNOWN).exists()


def test_importing_a_release_recomputes_partner_relations(db, tmp_path):
    release = Release.copy_to(tmp_path / "release")
    reference_data_import(source=release.path)
    brest = Territory.objects.get(kind=TerritoryKind.EPCI, code=BREST_METROPOLE)
    plevin = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="22202")
    cooperation = cooperation_create(
        title="Brest et Plévin",
        instrument=Instrument.INFORMAL,
        partners=[PartnerInput(brest, PartnerRole.LEAD), PartnerInput(plevin)],
    )
    assert cooperation.partnerships.get(territory=plevin).relation == PartnerRelation.SAME_REGION

    release.move_member("22202", source=POHER, target=BREST_METROPOLE).set_version("2")
    reference_data_import(source=release.path)

    assert cooperation.partnerships.get(territory=plevin).relation == PartnerRelation.MEMBER


@pytest.mark.parametrize(
    ("end", "precision", "accepted"),
    [
        (datetime.date(2019, 5, 1), DatePrecision.MONTH, True),
        (datetime.date(2019, 1, 1), DatePrecision.YEAR, True),
        (datetime.date(2019, 5, 12), DatePrecision.DAY, True),
        (datetime.date(2019, 5, 11), DatePrecision.DAY, False),
        (datetime.date(2019, 4, 1), DatePrecision.MONTH, False),
        (datetime.date(2018, 1, 1), DatePrecision.YEAR, False),
    ],
)
def test_database_compares_the_end_at_its_precision(valid, end, precision, accepted):
    cooperation = cooperation_create(**valid, start="2019-05-12")
    change = Cooperation.objects.filter(pk=cooperation.pk)
    if accepted:
        change.update(end_date=end, end_precision=precision)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            change.update(end_date=end, end_precision=precision)
