"""What a researcher does in a browser: cite a record, export the geography's lists,
follow a commune to its EPCI's cooperations, share a clean URL, come back to a filtered
list, filter on a phone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.services import PartnerInput, cooperation_create

pytestmark = pytest.mark.browser


@pytest.fixture
def records(brittany):
    """Three published records: two around Brest Métropole, one around Saint-Étienne."""
    mobility = Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    b = brittany
    lead = PartnerRole.LEAD
    return [
        cooperation_create(
            title="Protocole de coopération Brest-Quimper",
            instrument=Instrument.RECIPROCITY_CONTRACT,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["quimper_agglo"])],
            themes=[mobility],
            start="2016-11-04",
            is_published=True,
        ),
        cooperation_create(
            title="Pôle métropolitain du Finistère",
            instrument=Instrument.METROPOLITAN_POLE,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["finistere"])],
            start="2019",
            is_published=True,
        ),
        cooperation_create(
            title="Mobilités stéphanoises",
            instrument=Instrument.FRAMEWORK_AGREEMENT,
            status=CooperationStatus.ENDED,
            partners=[PartnerInput(b["saint_etienne_metropole"], lead), PartnerInput(b["loire"])],
            themes=[mobility],
            start="2020",
            is_published=True,
        ),
    ]


def test_copy_a_record_citation_and_download_it_as_bibtex(page, live_server, records):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    record = records[0]
    page.goto(f"{live_server.url}/cooperations/{record.slug}/")

    page.get_by_role("button", name="Copier la citation").click()

    expect(page.get_by_role("status").filter(has_text="Citation copiée")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("«\u00a0Protocole de coopération Brest-Quimper\u00a0», Portail")
    assert f"{live_server.url}/cooperations/{record.slug}/" in copied
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    assert download.value.suggested_filename == f"{record.slug}.bib"
    assert f"@misc{{{record.slug}," in Path(download.value.path()).read_text(encoding="utf-8")


def test_cite_the_selection_of_the_list_in_csl_json(page, live_server, records):
    page.goto(f"{live_server.url}/cooperations/?q=brest")

    with page.expect_download() as download:
        page.locator("[data-citation-format=json]").click()

    items = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {item["title"] for item in items} == {
        "Pôle métropolitain du Finistère",
        "Protocole de coopération Brest-Quimper",
    }


def test_export_the_filtered_territory_list_and_the_metropolis_table(page, live_server, records):
    page.goto(f"{live_server.url}/territoires/")
    page.get_by_label("Type").select_option("commune")
    page.get_by_role("button", name="Filtrer", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="5 territoires")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (virgule)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename == "territoires.csv"
    assert text.splitlines()[0].startswith("kind,kind_label,code,siren,name")
    assert len(text.splitlines()) == 6

    page.goto(f"{live_server.url}/metropoles/")
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    names = [row["name"] for row in json.loads(Path(download.value.path()).read_text("utf-8"))]
    assert names == ["Brest Métropole", "Saint-Étienne Métropole"]


def test_a_commune_page_leads_to_its_metropolis_cooperations(page, live_server, records):
    page.goto(f"{live_server.url}/territoires/commune/29212/")

    heading = page.get_by_role("heading", level=3, name="Par sa métropole, Brest Métropole (2)")
    expect(heading).to_be_visible()
    expect(page.get_by_text("ne compte encore aucune coopération")).to_have_count(0)
    page.get_by_role("link", name="Pôle métropolitain du Finistère").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pôle métropolitain du Finistère")


def test_sorting_by_title_follows_french_alphabetical_order(page, live_server, records):
    page.goto(f"{live_server.url}/cooperations/")

    page.get_by_label("Trier par").select_option(label="Titre, de A à Z")
    page.get_by_role("button", name="Trier", exact=True).click()

    expect(page).to_have_url(re.compile(r"[?&]ordering=title(&|$)"))
    titles = page.locator(".portal-result h3").all_inner_texts()
    assert titles == [
        "Mobilités stéphanoises",
        "Pôle métropolitain du Finistère",
        "Protocole de coopération Brest-Quimper",
    ]


def test_filtering_gives_an_address_with_only_the_filters_in_use(page, live_server, records):
    page.goto(f"{live_server.url}/territoires/")
    page.get_by_label("Département").select_option("29")
    page.get_by_role("button", name="Filtrer", exact=True).click()

    expect(page.get_by_role("heading", level=2, name="7 territoires")).to_be_visible()
    assert page.url == f"{live_server.url}/territoires/?department=29"

    page.goto(f"{live_server.url}/cooperations/")
    page.locator('label[for="theme-mobility"]').click()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()
    assert page.url == f"{live_server.url}/cooperations/?theme=mobility"


def test_a_record_opened_from_a_filtered_list_leads_back_to_it(page, live_server, records):
    page.goto(f"{live_server.url}/cooperations/?q=brest&ordering=title")
    page.get_by_role("link", name="Pôle métropolitain du Finistère").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pôle métropolitain du Finistère")

    page.get_by_role("link", name="Retour à la liste des coopérations (mêmes filtres)").click()

    assert page.url == f"{live_server.url}/cooperations/?q=brest&ordering=title"
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()


def test_a_grouping_page_says_where_the_grouping_comes_from(page, live_server, brittany):
    from territories.models import TerritoryKind
    from territories.services import grouping_upsert

    grouping, _changed = grouping_upsert(
        kind=TerritoryKind.GROUPING,
        code="PETR-X",
        name="PETR du pays de Morlaix",
        source="recensement (à vérifier)",
        containers=[("department", "29")],
    )

    page.goto(live_server.url + grouping.get_absolute_url())

    line = page.locator("#source-des-donnees")
    expect(line).to_contain_text("Source\u00a0: recensement (à vérifier).")
    expect(line).not_to_contain_text("Etalab")


def test_on_a_phone_results_come_first_and_filters_open_from_a_button(
    browser, live_server, records
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/cooperations/")
        toggle = page.get_by_role("button", name="Filtrer")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_text("Thème", exact=True)).to_be_hidden()
        first_result = page.locator(".portal-result h3").first
        expect(first_result).to_be_in_viewport()

        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.locator('label[for="theme-mobility"]').click()
        page.get_by_role("button", name="Appliquer les filtres").click()

        expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile(r"^Filtrer"))).to_contain_text(
            "1 filtre actif"
        )
    finally:
        context.close()


def test_an_english_reader_sees_english_typography_and_api_docs(page, live_server, records):
    page.goto(f"{live_server.url}/cooperations/?theme=mobility")
    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("link", name=re.compile(r"Theme: Mobility"))).to_be_visible()
    page.goto(f"{live_server.url}/api/docs/")
    expect(page).to_have_title("API of the inter-territorial cooperation portal")
