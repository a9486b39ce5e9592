"""The territory pages show other apps' sections through territories.sections, without
the geography's templates loading those apps' tags."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from territories import sections

# Tag libraries of Django, the design system and the geography itself.
OWN_LIBRARIES = {"i18n", "l10n", "tz", "static", "humanize", "dsfr_tags", "territory_tags"}


def test_the_geography_templates_load_no_tag_library_of_another_app():
    loaded = set()
    for template in Path(settings.BASE_DIR, "templates", "territories").rglob("*.html"):
        for libraries in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text()):
            loaded.update(libraries.split())
    assert loaded <= OWN_LIBRARIES, loaded - OWN_LIBRARIES


@pytest.fixture
def no_sections(monkeypatch):
    """The geography on its own: no app has registered a section."""
    monkeypatch.setattr(sections, "_registry", {})


def page(client, territory):
    return client.get(reverse("territories:detail", args=[territory.kind, territory.code]))


def test_the_registry_registers_its_sections_on_the_territory_page(client, brittany):
    response = page(client, brittany["brest_metropole"])
    assert response.status_code == 200
    assert "Coopérations" in response.content.decode()
    assert [s.name for s in sections.territory_sections()] == ["cooperations", "network"]
    assert [s.name for s in sections.territory_sections("map")] == ["metropolis_map"]


def test_the_page_works_without_any_registered_section(client, brittany, no_sections):
    for territory in (brittany["brest_metropole"], brittany["29019"]):
        response = page(client, territory)
        assert response.status_code == 200
        html = response.content.decode()
        assert territory.name in html
        assert '<h2 id="cooperations">' not in html


def test_a_registered_section_is_rendered_with_the_page_context(client, brittany, no_sections):
    sections.register_territory_section(
        sections.TerritorySection(
            "probe", lambda context, territory: f"<p id=probe>{territory.code}</p>"
        )
    )
    assert "<p id=probe>29019</p>" in page(client, brittany["29019"]).content.decode()


def test_an_unknown_place_is_refused():
    with pytest.raises(ValueError, match="Unknown place"):
        sections.register_territory_section(
            sections.TerritorySection("x", lambda context, territory: "", place="footer")
        )
