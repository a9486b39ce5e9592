"""Browsing the registry in a real browser: search, facets, a record, a partner's page,
and an export of the current selection."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.services import (
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_update,
)

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def records(brittany):
    """Three published records around Brest Métropole and one around Saint-Étienne."""
    mobility = Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    tourism = Theme.objects.create(code="tourism", label_fr="Tourisme", label_en="Tourism")
    b = brittany
    lead = PartnerRole.LEAD
    created = [
        cooperation_create(
            title="Contrat de réciprocité Brest-Quimper",
            instrument=Instrument.RECIPROCITY_CONTRACT,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["quimper_agglo"])],
            themes=[mobility, tourism],
            sources=[SourceInput(title="Bilan", url="https://example.org/bilan")],
            start="2016-11-04",
            is_published=True,
        ),
        cooperation_create(
            title="Ancienne navette de la rade de Brest",
            instrument=Instrument.INFORMAL,
            status=CooperationStatus.ENDED,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["29212"])],
            themes=[mobility],
            start="2010",
            end="2014",
            is_published=True,
        ),
        cooperation_create(
            title="Charte touristique du pays de Brest",
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["finistere"])],
            themes=[tourism],
            start="2019",
            is_published=True,
        ),
        cooperation_create(
            title="Mobilités stéphanoises",
            instrument=Instrument.FRAMEWORK_AGREEMENT,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(b["saint_etienne_metropole"], lead), PartnerInput(b["loire"])],
            themes=[mobility],
            start="2020",
            is_published=True,
        ),
    ]
    return created


def test_search_two_facets_open_a_record_and_follow_a_partner(page, live_server, records):
    page.goto(live_server.url + "/cooperations/")
    expect(page.get_by_role("heading", level=2, name="4 coopérations")).to_be_visible()

    page.get_by_label("Rechercher une coopération").fill("brest")
    # DSFR draws its own checkbox over the input: people click the label.
    page.locator('label[for="theme-mobility"]').click()
    page.locator('label[for="status-active"]').click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^En cours"))).to_be_checked()
    page.get_by_role("button", name="Appliquer les filtres").click()

    expect(page).to_have_url(re.compile(r"[?&]q=brest(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]theme=mobility(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=active(&|$)"))
    expect(page.get_by_role("heading", level=2, name="1 coopération")).to_be_visible()
    results = page.locator(".portal-results")
    expect(results.get_by_role("heading", level=3)).to_have_text(
        ["Contrat de réciprocité Brest-Quimper"]
    )
    expect(page.get_by_role("checkbox", name=re.compile(r"^Mobilités"))).to_be_checked()
    expect(page.get_by_role("link", name=re.compile(r"Statut\s*: En cours"))).to_be_visible()

    results.get_by_role("link", name="Contrat de réciprocité Brest-Quimper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contrat de réciprocité Brest-Quimper"
    )
    partners = page.get_by_role("table").filter(has_text="Relation à la métropole")
    expect(partners).to_contain_text("Même département")

    partners.get_by_role("link", name="CA Quimper Bretagne Occidentale").click()
    expect(page).to_have_url(re.compile(r"/territoires/epci/242900694/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("CA Quimper Bretagne Occidentale")
    expect(page.get_by_role("link", name="Contrat de réciprocité Brest-Quimper")).to_be_visible()


def test_tick_a_type_of_difficulties_and_list_as_many_records_as_it_counted(
    page, live_server, records
):
    # The seed declares no difficulties: three records declare some here.
    brest_quimper, _navette, charter, saint_etienne = records
    cooperation_update(cooperation=brest_quimper, difficulties="Cadre JURIDIQUE et budget.")
    cooperation_update(cooperation=charter, difficulties="Manque de financement dédié.")
    cooperation_update(cooperation=saint_etienne, difficulties="Calendrier difficile.")
    page.goto(live_server.url + "/cooperations/?status=active")
    expect(page.get_by_role("heading", level=2, name="3 coopérations")).to_be_visible()

    facet = page.locator("#facet-difficulty")
    expect(facet.locator("legend")).to_have_text("Type de difficultés")
    funding = facet.locator('label[for="difficulty-funding"]')
    expect(funding).to_have_text(
        re.compile(r"^\s*Absence de financement dédié et adapté\s*\(2\)\s*$")
    )
    counted = int(re.search(r"\((\d+)\)", funding.inner_text()).group(1))
    funding.click()
    expect(
        page.get_by_role("checkbox", name=re.compile(r"^Absence de financement"))
    ).to_be_checked()
    page.get_by_role("button", name="Appliquer les filtres").click()

    expect(page).to_have_url(re.compile(r"[?&]difficulty=funding(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=active(&|$)"))
    expect(page.get_by_role("heading", level=2, name=f"{counted} coopérations")).to_be_visible()
    expect(page.locator(".portal-results").get_by_role("heading", level=3)).to_have_count(counted)
    tag = page.get_by_role(
        "link", name=re.compile(r"Type de difficultés\s*: Absence de financement dédié et adapté")
    )
    expect(tag).to_have_count(1)
    expect(
        page.get_by_role("checkbox", name=re.compile(r"^Absence de financement"))
    ).to_be_checked()
    # The other types still count over the active records (one or the other).
    expect(facet.locator('label[for="difficulty-other"]')).to_contain_text("(1)")
    assert_accessible(page)

    tag.click()
    expect(page.get_by_role("heading", level=2, name="3 coopérations")).to_be_visible()


def test_removing_an_active_filter_widens_the_selection(page, live_server, records):
    page.goto(live_server.url + "/cooperations/?theme=mobility&status=active")
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"Statut\s*: En cours")).click()

    expect(page.get_by_role("heading", level=2, name="3 coopérations")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(r"^En cours"))).not_to_be_checked()


def test_xlsx_export_button_downloads_the_current_selection(page, live_server, records, tmp_path):
    page.goto(live_server.url + "/cooperations/?theme=tourism&status=active")
    expect(page.get_by_role("heading", level=2, name="2 coopérations")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = info.value

    assert re.fullmatch(r"cooperations-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert "Contrat de réciprocité Brest-Quimper" in cells
    assert "Charte touristique du pays de Brest" in cells
    assert "Ancienne navette de la rade de Brest" not in cells  # ended, not in the selection
    assert "Mobilités stéphanoises" not in cells


def test_open_data_package_link_downloads_a_valid_frictionless_package(
    page, live_server, records, tmp_path
):
    import zipfile

    from frictionless import validate

    page.goto(live_server.url + "/cooperations/?theme=tourism")

    with page.expect_download() as info:
        page.get_by_role(
            "link", name="Tout le registre publié en paquet de données ouvertes"
        ).click()
    download = info.value

    assert re.fullmatch(
        r"cooperations-interterritoriales-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    zipfile.ZipFile(path).extractall(tmp_path / "package")
    report = validate(str(tmp_path / "package" / "datapackage.json"))
    assert report.valid
    # The whole registry, not the filtered selection.
    assert (tmp_path / "package" / "cooperations.csv").read_text().count("\n") == 1 + len(
        [r for r in records if r.is_published]
    )
