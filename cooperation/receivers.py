"""Reactions to events of the apps the registry depends on."""

from .services import registry_geography_refresh


def refresh_partner_relations(sender, **kwargs) -> None:
    """A new release of the geography or of the contours may move partners: recompute every
    relation, contiguity and distance."""
    registry_geography_refresh()
