"""axe-core on the public pages, the sign-in page and the API documentation: no serious or
critical violation (tests/e2e/accessibility.py). The survey and review pages are checked
in their own journeys (test_answering, test_census_journey, test_review)."""

import pytest
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.models import Territory, TerritoryKind
from tests.factories import place

from .accessibility import accessibility_violations, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def long_lists(brittany):
    """Enough records and communes for the lists to have several pages (pagination links,
    the disabled ones included)."""
    b = brittany
    communes = Territory.objects.bulk_create(
        Territory(
            kind=TerritoryKind.COMMUNE,
            code=f"29{300 + n}",
            name=f"Commune {n:02}",
            search_name=f"commune {n:02}",
            population=1000 + n,
        )
        for n in range(55)
    )
    for commune in communes[:3]:
        place(commune, b["brest_metropole"], b["finistere"], b["bretagne"])
    for n in range(22):
        cooperation_create(
            title=f"Coopération numéro {n:02}",
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[
                PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(communes[n % 3]),
            ],
            start="2019",
            is_published=True,
        )
    return b


PUBLIC_PAGES = [
    ("/", "Les coopérations entre métropoles"),
    ("/cooperations/", "Coopérations"),
    ("/cooperations/?page=2", "Coopérations"),
    ("/territoires/", "Territoires"),
    ("/territoires/?page=2", "Territoires"),
    ("/metropoles/", "Métropoles"),
    ("/territoires/epci/242900314/", "Brest Métropole"),
    ("/territoires/region/53/", "Bretagne"),
    ("/compte/connexion/", "Connexion"),
]


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(
    page, live_server, long_lists, path, heading
):
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)

    assert_accessible(page)


def test_a_record_has_no_serious_accessibility_violation(page, live_server, long_lists):
    page.goto(live_server.url + "/cooperations/")
    page.get_by_role("link", name="Coopération numéro 00").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopération numéro 00")

    assert_accessible(page)


def test_home_search_landmarks_are_told_apart(page, live_server, db):
    # Two search forms: each landmark has its own name (axe: landmark-unique, "moderate").
    page.goto(live_server.url + "/")
    expect(page.get_by_role("search", name="Recherche de territoires")).to_be_visible()

    ids = {v["id"] for v in accessibility_violations(page, impacts=("moderate",))}
    assert "landmark-unique" not in ids


def test_api_documentation_has_no_serious_accessibility_violation(page, live_server, db):
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    # An operation opened, as a reader would.
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()

    assert_accessible(page)
