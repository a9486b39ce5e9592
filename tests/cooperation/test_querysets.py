import pytest
from django.contrib.auth.models import AnonymousUser

from cooperation.models import Cooperation, Instrument, PartnerRole
from cooperation.services import PartnerInput, SourceInput, cooperation_create


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def keys(registry, *names) -> set[str]:
    return {registry[name].title for name in names}


ALL = ("brest_quimper", "saint_etienne_pole", "ocean_network", "guipavas_draft")
PUBLISHED = ("brest_quimper", "saint_etienne_pole", "ocean_network")


def test_published_leaves_out_drafts(registry):
    assert titles(Cooperation.objects.published()) == keys(registry, *PUBLISHED)


def test_default_manager_is_not_filtered(registry):
    assert titles(Cooperation.objects.all()) == keys(registry, *ALL)


def test_anonymous_sees_only_published_records(registry):
    assert titles(Cooperation.objects.visible_to(AnonymousUser())) == keys(registry, *PUBLISHED)


def test_no_user_sees_only_published_records(registry):
    assert titles(Cooperation.objects.visible_to(None)) == keys(registry, *PUBLISHED)


def test_signed_in_non_staff_sees_only_published_records(registry, member_user):
    assert titles(Cooperation.objects.visible_to(member_user)) == keys(registry, *PUBLISHED)


def test_staff_sees_drafts_too(registry, staff_user):
    assert titles(Cooperation.objects.visible_to(staff_user)) == keys(registry, *ALL)


def test_involving_finds_every_role(brittany, registry, cork):
    assert titles(Cooperation.objects.involving(brittany["brest_metropole"])) == keys(
        registry, "brest_quimper", "ocean_network", "guipavas_draft"
    )
    assert titles(Cooperation.objects.involving(brittany["loire"])) == keys(
        registry, "saint_etienne_pole"
    )
    assert titles(Cooperation.objects.involving(cork)) == keys(registry, "ocean_network")


def test_involving_a_territory_without_cooperation_is_empty(brittany, registry):
    assert not Cooperation.objects.involving(brittany["bretagne"]).exists()


def test_for_metropolis_uses_the_reference_metropolis_only(brittany, registry):
    assert titles(Cooperation.objects.for_metropolis(brittany["brest_metropole"])) == keys(
        registry, "brest_quimper", "ocean_network", "guipavas_draft"
    )
    # Saint-Étienne is a partner of the ocean network, not its reference métropole.
    assert titles(Cooperation.objects.for_metropolis(brittany["saint_etienne_metropole"])) == (
        keys(registry, "saint_etienne_pole")
    )


def test_readers_combine_with_published(brittany, registry):
    queryset = Cooperation.objects.published().for_metropolis(brittany["brest_metropole"])
    assert titles(queryset) == keys(registry, "brest_quimper", "ocean_network")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reciprocite", ("brest_quimper",)),
        ("RÉCIPROCITÉ", ("brest_quimper",)),
        ("Réseau océanes", ("ocean_network",)),
        ("reseau oceanes", ("ocean_network",)),
        ("saint etienne", ("saint_etienne_pole", "ocean_network")),
        ("Saint-Étienne Métropole", ("saint_etienne_pole", "ocean_network")),
        ("cork", ("ocean_network",)),
        ("centre ouest", ("brest_quimper",)),
        ("ville-campagne", ("brest_quimper",)),
        ("brest quimper", ("brest_quimper",)),
        ("brest nantes", ()),
    ],
)
def test_search_is_accent_and_case_insensitive_on_titles_and_partner_names(
    registry, query, expected
):
    assert titles(Cooperation.objects.search(query)) == keys(registry, *expected)


def test_empty_search_matches_everything(registry):
    assert Cooperation.objects.search("  ").count() == 4


def test_search_follows_renamed_partners_after_a_refresh(brittany, registry):
    from cooperation.services import cooperation_geography_refresh

    cork = registry["ocean_network"].partnerships.get(territory__code="IE-CORK").territory
    cork.name = "Corcaigh"
    cork.save()
    cooperation_geography_refresh(cooperation=registry["ocean_network"])
    assert titles(Cooperation.objects.search("corcaigh")) == keys(registry, "ocean_network")


def test_with_partner_count_counts_each_partner_once(registry):
    counts = dict(Cooperation.objects.with_partner_count().values_list("title", "partner_count"))
    assert counts == {
        registry["brest_quimper"].title: 3,
        registry["saint_etienne_pole"].title: 2,
        registry["ocean_network"].title: 3,
        registry["guipavas_draft"].title: 2,
    }


def test_with_partner_count_is_not_inflated_by_a_theme_join(registry, themes):
    queryset = (
        Cooperation.objects.filter(themes__in=[themes["mobility"], themes["tourism"]])
        .distinct()
        .with_partner_count()
    )
    counts = dict(queryset.values_list("title", "partner_count"))
    assert counts[registry["brest_quimper"].title] == 3


def test_ordered_by_start_is_most_recent_first_and_undated_last(registry):
    assert list(Cooperation.objects.ordered_by_start().values_list("title", flat=True)) == [
        registry["ocean_network"].title,  # 2019-04
        registry["brest_quimper"].title,  # 2016-11-04
        registry["saint_etienne_pole"].title,  # 2012
        registry["guipavas_draft"].title,  # undated
    ]


def test_ordered_by_start_breaks_ties_by_title(brittany, registry):
    twin = cooperation_create(
        title="A jumeau de 2012",
        instrument=Instrument.INFORMAL,
        partners=[PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD)],
        start="2012",
    )
    ordered = list(Cooperation.objects.ordered_by_start().values_list("title", flat=True))
    assert ordered[2:4] == [twin.title, registry["saint_etienne_pole"].title]


def test_with_related_runs_a_fixed_number_of_queries(brittany, registry, django_assert_num_queries):
    # A second batch of records must not add queries.
    for number in range(5):
        cooperation_create(
            title=f"Coopération {number}",
            instrument=Instrument.INFORMAL,
            partners=[
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(brittany["29212"]),
            ],
            sources=[SourceInput(title="Article"), SourceInput(title="Rapport")],
        )
    with django_assert_num_queries(4):  # records + metropolis, themes, partners, sources
        records = list(Cooperation.objects.with_related())
        for record in records:
            str(record.metropolis)
            [t.label for t in record.themes.all()]
            [p.territory.name for p in record.partnerships.all()]
            [s.title for s in record.sources.all()]
    assert len(records) == 9


def test_with_related_orders_partners_by_position(brittany, registry):
    record = Cooperation.objects.with_related().get(pk=registry["ocean_network"].pk)
    assert [p.territory.name for p in record.partnerships.all()] == [
        "Brest Métropole",
        "Saint-Étienne Métropole",
        "Cork City Council",
    ]
