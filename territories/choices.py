"""The territories' kinds and categories, and the order of levels: the models, their
QuerySet and the other apps read them from here (or from `territories.models`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI à fiscalité propre")
    EPT = "ept", _("Établissement public territorial")
    GROUPING = "grouping", _("Groupement")
    FOREIGN = "foreign", _("Collectivité étrangère")


class TerritoryCategory(models.TextChoices):
    # EPCI à fiscalité propre (DGCL "nature juridique")
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d’agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon (statut particulier)")
    # Groupings that are not in the official files; created by staff.
    PETR = "PETR", _("Pôle d’équilibre territorial et rural (PETR)")
    POLE_METROPOLITAIN = "POLE_METROPOLITAIN", _("Pôle métropolitain")
    PNR = "PNR", _("Parc naturel régional")
    SYNDICAT_MIXTE = "SYNDICAT_MIXTE", _("Syndicat mixte")
    PAYS = "PAYS", _("Pays")
    ASSOCIATION = "ASSOCIATION", _("Association")
    OTHER = "OTHER", _("Autre")


METROPOLIS_CATEGORIES = (TerritoryCategory.METRO, TerritoryCategory.MET69)


def is_metropolis(kind: str, category: str) -> bool:
    """Métropoles are the EPCI of category METRO or MET69."""
    return kind == TerritoryKind.EPCI and category in METROPOLIS_CATEGORIES


# From the widest level to the narrowest, for listing what contains a territory.
KIND_LEVELS = (
    TerritoryKind.REGION,
    TerritoryKind.DEPARTMENT,
    TerritoryKind.EPCI,
    TerritoryKind.EPT,
    TerritoryKind.GROUPING,
    TerritoryKind.COMMUNE,
    TerritoryKind.FOREIGN,
)
