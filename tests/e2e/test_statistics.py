"""A researcher reads the statistics in a real browser: filters by région, follows a
number to the list of the records it counts, and finds as many."""

import re

import pytest
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.services import PartnerInput, cooperation_create

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def records(brittany):
    """Two published records around Brest (both on tourism), one around Saint-Étienne (also
    on tourism), and an unpublished one around Brest; both Brest records declare funding
    difficulties, one of them legal ones too."""
    tourism = Theme.objects.create(code="tourism", label_fr="Tourisme", label_en="Tourism")
    mobility = Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    b = brittany
    lead = PartnerRole.LEAD
    difficulties = {
        "Contrat Brest-Quimper": "Absence de FINANCEMENT dédié.",
        "Charte du pays de Brest": "Réglementation rigide, cofinancements incertains.",
        "Brouillon brestois": "Financement.",
    }
    for title, metropolis, partner, themes, published in (
        ("Contrat Brest-Quimper", "brest_metropole", "quimper_agglo", [tourism, mobility], True),
        ("Charte du pays de Brest", "brest_metropole", "finistere", [tourism], True),
        ("Tourisme stéphanois", "saint_etienne_metropole", "loire", [tourism], True),
        ("Brouillon brestois", "brest_metropole", "29212", [tourism], False),
    ):
        cooperation_create(
            title=title,
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b[metropolis], lead), PartnerInput(b[partner])],
            themes=themes,
            start="2019",
            is_published=published,
            difficulties=difficulties.get(title, ""),
        )


def test_filter_by_region_and_follow_a_number_to_the_list(page, live_server, records):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Statistiques"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    expect(page.locator("#statistics-total")).to_contain_text("3 coopérations")
    expect(page.get_by_role("img", name="Coopérations par thème")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Région").select_option(label="Bretagne")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"/statistiques/\?(.*&)?region=53(&|$)"))
    expect(page.get_by_label("Région")).to_have_value("53")
    expect(page.locator("#statistics-total")).to_contain_text("2 coopérations")
    assert_accessible(page)

    themes = page.get_by_role("table", name="Coopérations par thème")
    tourism = themes.get_by_role("row", name=re.compile(r"^Tourisme"))
    expect(tourism.get_by_role("link")).to_have_text("2")
    tourism.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/cooperations/\?"))
    expect(page).to_have_url(re.compile(r"[?&]region=53(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]theme=tourism(&|$)"))
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()
    expect(page.get_by_role("link", name="Contrat Brest-Quimper")).to_be_visible()
    expect(page.get_by_role("link", name="Charte du pays de Brest")).to_be_visible()


def test_download_a_table_as_csv(page, live_server, records):
    page.goto(live_server.url + "/statistiques/?region=53")
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile(r"^Télécharger «\s*Coopérations par thème\s*» \(CSV\)$")
        ).click()
    download = download_info.value
    assert download.suggested_filename == "statistiques-theme.csv"
    text = download.path().read_text(encoding="utf-8-sig")
    assert "Tourisme,tourism,2," in text


def test_follow_a_type_of_difficulties_to_the_list(page, live_server, records):
    page.goto(live_server.url + "/statistiques/")
    # The cross-tables are drawn too.
    expect(page.get_by_role("img", name="Thème × relation à la métropole")).to_be_visible()  # noqa: RUF001
    expect(page.get_by_role("img", name="Forme × métropole")).to_be_visible()  # noqa: RUF001
    section = page.locator("#table-difficulty")
    expect(section.get_by_role("img", name="Difficultés déclarées, par type")).to_be_visible()
    # The declared texts, each under its record's title.
    declared = section.locator("#declared-difficulties")
    expect(declared.get_by_role("link", name="Contrat Brest-Quimper")).to_be_visible()
    expect(declared).to_contain_text("Absence de FINANCEMENT dédié.")
    expect(declared).not_to_contain_text("Brouillon brestois")
    assert_accessible(page)

    table = page.get_by_role("table", name="Difficultés déclarées, par type")
    legal = table.get_by_role("row", name=re.compile(r"^Freins juridiques"))
    expect(legal.get_by_role("link")).to_have_text("1")
    funding = table.get_by_role("row", name=re.compile(r"^Absence de financement"))
    expect(funding.get_by_role("link")).to_have_text("2")
    funding.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/cooperations/\?difficulty=funding$"))
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()
    expect(page.get_by_role("link", name="Contrat Brest-Quimper")).to_be_visible()
    expect(page.get_by_role("link", name="Charte du pays de Brest")).to_be_visible()
    expect(
        page.get_by_text("Type de difficultés\u00a0: Absence de financement dédié et adapté")
    ).to_be_visible()
