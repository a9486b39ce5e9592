"""The site header as a signed-in user sees it, for the browser tests."""

from playwright.sync_api import expect


def header(page):
    """The header's tool links (the DSFR copies them into the hidden mobile menu: these
    are the visible ones)."""
    return page.locator(".fr-header__tools")


def signed_in_as(page, name):
    """Wait until the header shows `name` as the signed-in user (until the DSFR's styles
    apply, both copies of the name show)."""
    page.wait_for_load_state()
    expect(header(page).get_by_text(name).filter(visible=True).first).to_be_visible()
