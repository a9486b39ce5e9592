"""The network of territories (cooperation/network/): measures on a graph whose degrees,
betweenness and components were computed by hand, the /reseau/ page, its GraphML, GEXF
and JSON exports, /api/v1/network/, and the « Réseau » block of the territory pages.

The published records of the `registry` fixture, plus two built here, give this graph
(B Brest Métropole, Q CA Quimper, P Pays COB, S Saint-Étienne Métropole, L Loire,
C Cork, N Nantes Métropole, R CC de Retz):

    Q ══ B ── S ── L        N ── R
     \\  /│   │
      P  └─ C ┘

B-Q is shared by two records (weight 2), every other edge by one. The public sees two
components: {B, Q, P, S, L, C} and {N, R}. In the first, every shortest path from Q or P
to S, L or C passes through B (6 pairs), and every path from L to B, C, Q or P through S
(4 pairs); networkx normalises over the (8-1)(8-2)/2 = 21 pairs of the other
territories of the whole graph, so B's betweenness is 6/21 and S's 4/21, the others' 0.
Cork cooperates with two métropoles."""

import io
import json

import networkx as nx
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.test import APIClient

from cooperation.models import Cooperation, CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.network.exports import network_payload
from cooperation.network.graph import network_build
from cooperation.services import PartnerInput, SourceInput, cooperation_create
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory

PAGE_URL = reverse("cooperation:network")
API_URL = "/api/v1/network/"
B, Q, P = "epci:242900314", "epci:242900694", "grouping:PAYS-COB"
S, L, C = "epci:244200770", "department:42", "foreign:IE-CORK"
N, R = "epci:244400404", "epci:244400000"
QUERY_BUDGET = 20
# Once per registry version and process, the facet index of the list's facets (the page
# shows four of them): one query per table it reads (5) and the lists of métropoles,
# themes and régions.
FACET_INDEX_QUERIES = 8


def export_url(fmt: str) -> str:
    return reverse("cooperation:network_export", kwargs={"fmt": fmt})


@pytest.fixture
def network_registry(registry, brittany, themes):
    """The `registry` records plus a second Brest-Quimper record (mobility) and a
    Nantes-Retz contract on its own (tourism, 2020)."""
    nantes = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="244400404",
        name="Nantes Métropole",
        category=TerritoryCategory.METRO,
    )
    retz = TerritoryFactory(
        kind=TerritoryKind.EPCI, code="244400000", name="CC de Retz", category="CC"
    )
    extra = {
        "brest_quimper_bis": cooperation_create(
            title="Convention de mobilité Brest-Quimper",
            instrument=Instrument.COOPERATION_AGREEMENT,
            status=CooperationStatus.ACTIVE,
            partners=[
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(brittany["quimper_agglo"]),
            ],
            themes=[themes["mobility"]],
            sources=[SourceInput(title="Convention")],
            start="2018",
            is_published=True,
        ),
        "nantes_retz": cooperation_create(
            title="Contrat de réciprocité Nantes-Retz",
            instrument=Instrument.RECIPROCITY_CONTRACT,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(nantes, PartnerRole.LEAD), PartnerInput(retz)],
            themes=[themes["tourism"]],
            sources=[SourceInput(title="Contrat")],
            start="2020",
            is_published=True,
        ),
    }
    return {**registry, **extra}


def public_network():
    return network_build(Cooperation.objects.published())


# Measures ---------------------------------------------------------------------------------


def test_degrees_and_weighted_degrees_of_the_known_graph(network_registry):
    territories = public_network().territories
    assert {key: t.degree for key, t in territories.items()} == {
        B: 4, Q: 2, P: 2, S: 3, L: 1, C: 2, N: 1, R: 1,
    }  # fmt: skip
    assert territories[B].weighted_degree == 5
    assert territories[Q].weighted_degree == 3
    assert territories[B].cooperations == 3


def test_betweenness_of_the_known_graph(network_registry):
    territories = public_network().territories
    assert territories[B].betweenness == pytest.approx(6 / 21)
    assert territories[S].betweenness == pytest.approx(4 / 21)
    for key in (Q, P, L, C, N, R):
        assert territories[key].betweenness == 0


def test_connected_components_largest_first(network_registry):
    network = public_network()
    assert {key: t.component for key, t in network.territories.items()} == {
        B: 1, Q: 1, P: 1, S: 1, L: 1, C: 1, N: 2, R: 2,
    }  # fmt: skip
    assert network.components == [
        {"number": 1, "size": 6, "metropolises": ["Brest Métropole", "Saint-Étienne Métropole"]},
        {"number": 2, "size": 2, "metropolises": ["Nantes Métropole"]},
    ]


def test_territories_cooperating_with_several_metropolises_are_bridges(network_registry):
    network = public_network()
    assert network.territories[C].metropolises == ["Brest Métropole", "Saint-Étienne Métropole"]
    assert [t.id for t in network.bridges] == [C]
    assert network.territories[Q].metropolises == ["Brest Métropole"]
    assert not network.territories[Q].is_bridge


def test_an_edge_counts_and_lists_the_cooperations_it_stands_for(network_registry):
    graph = public_network().graph
    edge = graph.edges[B, Q]
    assert edge["weight"] == 2
    assert sorted(edge["cooperations"]) == sorted(
        [network_registry["brest_quimper"].slug, network_registry["brest_quimper_bis"].slug]
    )
    assert graph.edges[S, C]["cooperations"] == [network_registry["ocean_network"].slug]
    assert graph.number_of_edges() == 8


def test_the_network_is_read_in_two_queries(network_registry, django_assert_num_queries):
    """One for the partnerships, one for the validated responses of its territories (the
    edges' reciprocity): there is none."""
    selection = Cooperation.objects.published().filter(status=CooperationStatus.ACTIVE)
    with django_assert_num_queries(2):
        network = network_build(selection)
    assert L not in network.territories  # the Saint-Étienne pole has ended


# The page ---------------------------------------------------------------------------------


def test_page_lists_every_territory_with_its_measures(client, network_registry):
    response = client.get(PAGE_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [t.id for t in rows][:3] == [B, Q, S]  # by weighted degree (5, 3, 3), then name
    assert len(rows) == 8
    assertContains(response, f'<tr data-territory="{C}">')
    assertContains(
        response, reverse("territories:detail", kwargs={"kind": "foreign", "code": "IE-CORK"})
    )
    assertNotContains(response, "Guipavas")  # only in an unpublished record


def test_page_filters_are_the_registry_filters(client, network_registry):
    response = client.get(PAGE_URL, {"theme": "tourism"})
    ids = {t.id for t in response.context["rows"]}
    assert ids == {B, Q, P, S, C, N, R}
    response = client.get(PAGE_URL, {"metropolis": "244400404"})
    assert {t.id for t in response.context["rows"]} == {N, R}
    response = client.get(PAGE_URL, {"start_year_min": 2019, "partner_kind": "foreign"})
    assert {t.id for t in response.context["rows"]} == {B, S, C}


def test_a_difficulty_selection_from_the_list_applies_without_a_facet_of_its_own(
    client, network_registry
):
    # Written without a signal, before the page's first request builds the facet index.
    Cooperation.objects.filter(pk=network_registry["nantes_retz"].pk).update(
        difficulties="Budget insuffisant."
    )
    response = client.get(PAGE_URL, {"difficulty": "funding"})
    assert {t.id for t in response.context["rows"]} == {N, R}
    # The page's panel offers its own filters only (`NETWORK_FACETS`).
    assert "difficulty" not in {facet.name for facet, _errors in response.context["facets"]}
    assert 'id="facet-difficulty"' not in response.content.decode()


def test_page_table_sorts_on_every_measure(client, network_registry):
    response = client.get(PAGE_URL, {"sort": "-betweenness"})
    assert [t.id for t in response.context["rows"]][:2] == [B, S]
    response = client.get(PAGE_URL, {"sort": "name"})
    names = [t.name for t in response.context["rows"]]
    assert names == sorted(names)
    assertContains(response, 'aria-sort="ascending"')


def test_invalid_filters_keep_the_form_and_compute_nothing(client, network_registry):
    response = client.get(PAGE_URL, {"start_year_min": "deux-mille", "theme": "mobility"})
    assert response.status_code == 200
    assert "network" not in response.context
    assertContains(response, "Saisissez un nombre")
    assertContains(response, 'value="deux-mille"')


def test_page_draws_every_node_as_a_link_with_a_title(client, network_registry):
    response = client.get(PAGE_URL)
    drawing = response.context["drawing"]
    assert drawing["shown"] == drawing["total"] == 8
    content = response.content.decode()
    assert content.count('class="portal-network__node') == 8
    assert "<title>Cork City Council — 2 partenaire(s), 1 coopération(s)</title>" in content


def test_staff_see_unpublished_records_in_the_network(client, network_registry, staff_user):
    client.force_login(staff_user)
    response = client.get(PAGE_URL)
    assert "commune:29075" in {t.id for t in response.context["rows"]}


def test_header_links_to_the_network(client, network_registry):
    response = client.get(reverse("cooperation:list"))
    assertContains(response, f'href="{PAGE_URL}"')


@pytest.mark.parametrize("count", [3, 30])
def test_page_and_api_query_counts_do_not_grow_with_records(
    client, many_cooperations, django_assert_max_num_queries, count
):
    many_cooperations(count, partners=5)
    query = {"theme": "mobility", "metropolis": "242900314"}
    with django_assert_max_num_queries(QUERY_BUDGET + FACET_INDEX_QUERIES):
        client.get(PAGE_URL, query)  # the facet index is built
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(PAGE_URL, query)
    assert response.context["network"].cooperation_count == count
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert APIClient().get(API_URL, {"theme": "mobility"}).status_code == 200


# Exports ----------------------------------------------------------------------------------


def test_graphml_reads_back_with_the_expected_nodes_and_edges(client, network_registry):
    response = client.get(export_url("graphml"), {"theme": "tourism"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/graphml+xml")
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert set(graph.nodes) == {B, Q, P, S, C, N, R}
    assert graph.nodes[C]["code"] == "IE-CORK"
    assert graph.nodes[C]["label"] == "Cork City Council"
    assert graph.nodes[C]["metropolis_count"] == 2
    assert graph.nodes[B]["is_metropolis"] is True
    assert graph.edges[B, C]["cooperations"] == network_registry["ocean_network"].slug
    assert graph.number_of_edges() == 7  # brest_quimper's triangle, ocean's, Nantes-Retz


def test_gexf_reads_back_with_the_expected_nodes_and_edges(client, network_registry):
    response = client.get(export_url("gexf"))
    assert response.status_code == 200
    assert 'filename="reseau-cooperations.gexf"' in response["Content-Disposition"]
    graph = nx.read_gexf(io.BytesIO(response.content))
    assert set(graph.nodes) == {B, Q, P, S, L, C, N, R}
    assert graph.nodes[S]["label"] == "Saint-Étienne Métropole"
    assert graph.nodes[S]["code"] == "244200770"
    assert graph.nodes[B]["betweenness"] == pytest.approx(6 / 21)
    assert graph.edges[B, Q]["weight"] == 2
    assert set(graph.edges[B, Q]["cooperations"].split()) == {
        network_registry["brest_quimper"].slug,
        network_registry["brest_quimper_bis"].slug,
    }


def test_exports_refuse_bad_filters_and_unknown_formats(client, network_registry):
    response = client.get(export_url("gexf"), {"metropolis": "000000000"})
    assert response.status_code == 400
    assert "metropolis" in response.content.decode()
    assert client.get(export_url("pdf")).status_code == 404


# API --------------------------------------------------------------------------------------


def test_api_equals_the_page_json_export(client, network_registry):
    query = {"theme": "tourism", "instrument": "association_network"}
    api = APIClient().get(API_URL, query)
    export = client.get(export_url("json"), query)
    assert api.status_code == export.status_code == 200
    assert api.json() == json.loads(export.content)
    assert {node["id"] for node in api.json()["nodes"]} == {B, S, C}


def test_api_document_holds_nodes_edges_and_measures(network_registry):
    body = APIClient().get(API_URL).json()
    assert body == json.loads(json.dumps(network_payload(public_network())))
    cork = next(node for node in body["nodes"] if node["id"] == C)
    assert cork == {
        "id": C,
        "kind": "foreign",
        "code": "IE-CORK",
        "name": "Cork City Council",
        "category": "OTHER",
        "is_metropolis": False,
        "cooperations": 1,
        "degree": 2,
        "weighted_degree": 2,
        "betweenness": 0.0,
        "component": 1,
        "metropolises": ["Brest Métropole", "Saint-Étienne Métropole"],
        "is_bridge": True,
    }
    assert body["cooperation_count"] == 5
    assert len(body["edges"]) == 8


def test_api_bad_filters_are_400_with_field_errors(network_registry):
    response = APIClient().get(API_URL, {"start_year_min": "x", "theme": "inconnu"})
    assert response.status_code == 400
    assert set(response.json()) == {"start_year_min", "theme"}


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/network/"]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"theme", "instrument", "metropolis", "partner_kind", "start_year_min"} <= parameters
    assert "400" in operation["responses"]


# Territory pages --------------------------------------------------------------------------


def test_territory_page_shows_its_network_role(client, network_registry, cork):
    response = client.get(cork.get_absolute_url())
    assertContains(response, 'id="territory-network-title"')
    facts = response.context["facts"]
    assert (facts["degree"], facts["weighted_degree"], facts["is_bridge"]) == (2, 2, True)
    assertContains(response, "Ce territoire coopère avec 2 métropoles")
    assert [p["territory__name"] for p in response.context["partners"]] == [
        "Brest Métropole",
        "Saint-Étienne Métropole",
    ]


def test_territory_page_network_block_follows_a_new_record(client, network_registry, brittany):
    quimper = brittany["quimper_agglo"]
    assert client.get(quimper.get_absolute_url()).context["facts"]["degree"] == 2
    cooperation_create(
        title="Quimper et Saint-Étienne",
        instrument=Instrument.CHARTER,
        partners=[
            PartnerInput(brittany["saint_etienne_metropole"], PartnerRole.LEAD),
            PartnerInput(quimper),
        ],
        sources=[SourceInput(title="Charte")],
        is_published=True,
    )
    facts = client.get(quimper.get_absolute_url()).context["facts"]
    assert facts["degree"] == 3
    assert facts["is_bridge"]


def test_territory_outside_any_cooperation_has_no_network_block(client, network_registry, brittany):
    response = client.get(brittany["29075"].get_absolute_url())  # only in an unpublished one
    assertNotContains(response, 'id="territory-network-title"')


# Cost -------------------------------------------------------------------------------------


def test_table_is_paginated_in_the_chosen_order(client, network_registry, monkeypatch):
    monkeypatch.setattr("cooperation.network.views.TABLE_PAGE_SIZE", 3)
    first = client.get(PAGE_URL, {"sort": "name"})
    second = client.get(PAGE_URL, {"sort": "name", "page": 2})
    names = [t.name for t in first.context["rows"]] + [t.name for t in second.context["rows"]]
    assert len(names) == 6
    assert names == sorted(names)
    assertContains(first, "page=2")


def test_a_large_network_estimates_betweenness_and_says_so(client, network_registry, monkeypatch):
    monkeypatch.setattr("cooperation.network.graph.BETWEENNESS_WORK", 10)
    monkeypatch.setattr("cooperation.network.graph.BETWEENNESS_MIN_SAMPLE", 2)
    response = client.get(PAGE_URL)
    assert response.context["network"].betweenness_is_exact is False
    assertContains(response, "l’intermédiarité est estimée")
    assert APIClient().get(API_URL).json()["betweenness_is_exact"] is False


def test_betweenness_is_computed_once_per_selection_until_a_write(
    client, network_registry, monkeypatch, brittany
):
    from cooperation.network import graph

    calls = []
    measure = graph.betweenness_measure
    monkeypatch.setattr(graph, "betweenness_measure", lambda g: calls.append(1) or measure(g))
    client.get(PAGE_URL, {"theme": "tourism"})
    client.get(PAGE_URL, {"theme": "tourism", "sort": "name"})
    APIClient().get(API_URL, {"theme": "tourism"})
    assert len(calls) == 1
    client.get(PAGE_URL, {"theme": "mobility"})
    assert len(calls) == 2
    cooperation_create(
        title="Nouvelle coopération touristique",
        instrument=Instrument.CHARTER,
        partners=[PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD)],
        themes=[Theme.objects.get(code="tourism")],
        sources=[SourceInput(title="Charte")],
        is_published=True,
    )
    client.get(PAGE_URL, {"theme": "tourism"})
    assert len(calls) == 3


def test_api_document_is_read_from_the_cache_until_a_write(network_registry, brittany, monkeypatch):
    from cooperation.network import caching

    builds = []
    build = caching.network_build
    monkeypatch.setattr(
        caching, "network_build", lambda *args, **kwargs: builds.append(1) or build(*args, **kwargs)
    )
    api = APIClient()
    first = api.get(API_URL, {"theme": "mobility"}).json()
    assert api.get(API_URL, {"theme": "mobility"}).json() == first
    assert len(builds) == 1
    cooperation_create(
        title="Nouvelle coopération de mobilité",
        instrument=Instrument.CHARTER,
        partners=[PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD)],
        themes=[Theme.objects.get(code="mobility")],
        sources=[SourceInput(title="Charte")],
        is_published=True,
    )
    assert api.get(API_URL, {"theme": "mobility"}).json()["cooperation_count"] == (
        first["cooperation_count"] + 1
    )
    assert len(builds) == 2


# Reciprocity of the edges ------------------------------------------------------------------


@pytest.fixture
def declared(network_registry, brittany):
    """Brest Métropole and Quimper both validated a response promoted to the Brest-Quimper
    record (B, Q and the Pays COB); nobody declared the second Brest-Quimper record."""
    from surveys.models import Promotion, Response, ResponseStatus
    from surveys.services.responses import questionnaire_load
    from tests.fixtures.surveys import CENSUS, make_campaign

    census, _created = questionnaire_load(path=CENSUS)
    campaign = make_campaign(census, [brittany["brest_metropole"], brittany["quimper_agglo"]])
    for territory in (brittany["brest_metropole"], brittany["quimper_agglo"]):
        response = Response.objects.create(
            campaign=campaign,
            territory=territory,
            questionnaire=census,
            status=ResponseStatus.VALIDATED,
            answers={},
        )
        Promotion.objects.create(
            response=response, entry="e0", cooperation=network_registry["brest_quimper"]
        )
    return network_registry


NONE_DECLARED = {"both": 0, "one_side": 0, "registry_only": 1}


def test_edges_are_registry_only_without_validated_responses(network_registry):
    edges = {(e["source"], e["target"]): e for e in network_payload(public_network())["edges"]}
    assert edges[(B, Q)]["reciprocity_counts"] == {"both": 0, "one_side": 0, "registry_only": 2}
    assert {e["reciprocity"] for e in edges.values()} == {"registry_only"}


def test_edges_count_their_cooperations_by_reciprocity(declared):
    network = public_network()
    edges = {(e["source"], e["target"]): e for e in network.edges()}
    # B and Q both declared brest_quimper, nobody brest_quimper_bis.
    assert edges[(B, Q)]["reciprocity_counts"] == {"both": 1, "one_side": 0, "registry_only": 1}
    assert edges[(B, Q)]["reciprocity"] == "both"
    # The Pays COB declared nothing: its links to B and Q are one-sided.
    assert edges[(B, P)]["reciprocity_counts"] == {"both": 0, "one_side": 1, "registry_only": 0}
    assert edges[(Q, P)]["reciprocity"] == "one_side"
    assert edges[(S, C)]["reciprocity_counts"] == NONE_DECLARED
    assert edges[(S, C)]["reciprocity"] == "registry_only"
    assert network.reciprocity_counts == {"both": 1, "one_side": 2, "registry_only": 6}


def test_reciprocity_costs_a_bounded_number_of_queries(declared, django_assert_max_num_queries):
    # Partnerships, validated responses, their promotions, the territories they name.
    with django_assert_max_num_queries(4):
        public_network()


def test_exports_carry_the_reciprocity_of_each_edge(client, declared):
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        response = client.get(export_url(fmt))
        graph = read(io.BytesIO(response.content))
        edge = graph.edges[B, Q]
        assert edge["reciprocity"] == "both", fmt
        assert (edge["reciprocity_both"], edge["reciprocity_one_side"]) == (1, 0), fmt
        assert edge["reciprocity_registry_only"] == 1, fmt
        assert graph.edges[S, C]["reciprocity"] == "registry_only", fmt
    document = APIClient().get(API_URL).json()
    edges = {(e["source"], e["target"]): e for e in document["edges"]}
    assert edges[(B, P)]["reciprocity"] == "one_side"
    assert edges[(B, Q)]["reciprocity_counts"] == {"both": 1, "one_side": 0, "registry_only": 1}
    assert json.loads(client.get(export_url("json")).content) == document


def test_page_styles_edges_by_reciprocity_with_a_legend_and_counts(client, declared):
    response = client.get(PAGE_URL)
    html = response.content.decode()
    assert html.count('data-reciprocity="both" x1=') == 1
    assert html.count('data-reciprocity="one_side" x1=') == 2
    assert html.count('data-reciprocity="registry_only" x1=') == 5
    assertContains(response, "trait plein\u00a0: déclaré des deux côtés")
    assertContains(response, "pointillés\u00a0: registre seulement")
    rows = {row["value"]: row["count"] for row in response.context["reciprocity_rows"]}
    assert rows == {"both": 1, "one_side": 2, "registry_only": 6}
    assertContains(
        response,
        '<tr data-reciprocity="one_side"><th scope="row">Déclaré d’un seul côté</th><td>2</td>',
    )


def test_api_document_follows_a_validation(network_registry, brittany):
    from surveys.models import Promotion, Response, ResponseStatus
    from surveys.services.responses import questionnaire_load
    from tests.fixtures.surveys import CENSUS, make_campaign

    census, _created = questionnaire_load(path=CENSUS)
    api = APIClient()
    first = api.get(API_URL).json()
    assert {e["reciprocity"] for e in first["edges"]} == {"registry_only"}
    campaign = make_campaign(census, [brittany["brest_metropole"]])
    response = Response.objects.create(
        campaign=campaign,
        territory=brittany["brest_metropole"],
        questionnaire=census,
        status=ResponseStatus.SUBMITTED,
        answers={},
    )
    Promotion.objects.create(
        response=response, entry="e0", cooperation=network_registry["brest_quimper"]
    )
    response.status = ResponseStatus.VALIDATED
    response.save()
    edges = {(e["source"], e["target"]): e for e in api.get(API_URL).json()["edges"]}
    assert edges[(B, Q)]["reciprocity"] == "one_side"


def block_reciprocity(client, territory) -> dict[str, str]:
    import re

    html = client.get(territory.get_absolute_url()).content.decode()
    block = html[html.index('id="territory-network-reciprocity"') :]
    return dict(re.findall(r'<li data-reciprocity="([a-z_]+)">[^<]+?\u00a0: (\d+)</li>', block))


def test_territory_page_counts_its_links_by_reciprocity(client, declared, brittany):
    # Quimper: brest_quimper with Brest (both declared) and with the Pays COB (Quimper
    # only), brest_quimper_bis with Brest (nobody).
    assert block_reciprocity(client, brittany["quimper_agglo"]) == {
        "both": "1", "one_side": "1", "registry_only": "1",
    }  # fmt: skip
    assert block_reciprocity(client, brittany["brest_metropole"]) == {
        "both": "1", "one_side": "1", "registry_only": "3",
    }  # fmt: skip
    response = client.get(brittany["quimper_agglo"].get_absolute_url())
    assertContains(response, "Réciprocité de ses coopérations avec ses partenaires")


def test_territory_block_follows_a_validation(client, network_registry, brittany):
    from surveys.models import Promotion, Response, ResponseStatus
    from surveys.services.responses import questionnaire_load
    from tests.fixtures.surveys import CENSUS, make_campaign

    quimper = brittany["quimper_agglo"]
    assert block_reciprocity(client, quimper)["registry_only"] == "3"
    census, _created = questionnaire_load(path=CENSUS)
    response = Response.objects.create(
        campaign=make_campaign(census, [quimper]),
        territory=quimper,
        questionnaire=census,
        status=ResponseStatus.SUBMITTED,
        answers={},
    )
    Promotion.objects.create(
        response=response, entry="e0", cooperation=network_registry["brest_quimper"]
    )
    response.status = ResponseStatus.VALIDATED
    response.save()
    assert block_reciprocity(client, quimper) == {
        "both": "0", "one_side": "2", "registry_only": "1",
    }  # fmt: skip
