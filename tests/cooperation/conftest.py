"""Shared fixtures for the registry tests. Others append their own fixtures below."""

import pytest

from cooperation.models import CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.services import PartnerInput, SourceInput, cooperation_create
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place


@pytest.fixture
def themes(db):
    """Three themes, by code."""
    return {
        code: Theme.objects.create(code=code, label_fr=fr, label_en=en, position=position)
        for position, (code, fr, en) in enumerate(
            [
                ("mobility", "Mobilités", "Mobility"),
                ("tourism", "Tourisme", "Tourism"),
                ("economic-development", "Développement économique", "Economic development"),
            ]
        )
    }


@pytest.fixture
def cork(db):
    """A foreign authority (no container)."""
    return TerritoryFactory(
        kind=TerritoryKind.FOREIGN,
        code="IE-CORK",
        name="Cork City Council",
        category=TerritoryCategory.OTHER,
        population=None,
    )


@pytest.fixture
def pays_cob(brittany):
    """A grouping placed in Finistère (and so in Bretagne)."""
    grouping = TerritoryFactory(
        kind=TerritoryKind.GROUPING,
        code="PAYS-COB",
        name="Pays du Centre Ouest Bretagne",
        category=TerritoryCategory.PAYS,
        population=None,
    )
    return place(grouping, brittany["finistere"], brittany["bretagne"])


@pytest.fixture
def registry(brittany, themes, cork, pays_cob):
    """Four records built through the services on top of `brittany`:

    - `brest_quimper`: published, Brest Métropole (lead) with the CA of Quimper and the
      Pays du Centre Ouest Bretagne; reciprocity contract; active; 4 Nov 2016; mobility and
      tourism; two sources.
    - `saint_etienne_pole`: published, Saint-Étienne Métropole (lead) and the Loire;
      metropolitan pole; ended; 2012 to Dec 2022; economic development.
    - `ocean_network`: published, Brest Métropole (lead), Saint-Étienne Métropole and Cork;
      city network; active; April 2019; tourism.
    - `guipavas_draft`: not published, Brest Métropole and the commune of Guipavas;
      informal; planned; undated; no theme.
    """
    b = brittany
    records = {
        "brest_quimper": cooperation_create(
            title="Contrat de réciprocité entre Brest et Quimper",
            instrument=Instrument.RECIPROCITY_CONTRACT,
            status=CooperationStatus.ACTIVE,
            partners=[
                PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(b["quimper_agglo"]),
                PartnerInput(pays_cob),
            ],
            themes=[themes["mobility"], themes["tourism"]],
            sources=[
                SourceInput(title="Signature du contrat", publisher="Localtis", date="2016-11"),
                SourceInput(title="Bilan", url="https://example.org/bilan"),
            ],
            start="2016-11-04",
            summary="Coopération ville-campagne.",
            is_published=True,
        ),
        "saint_etienne_pole": cooperation_create(
            title="Pôle métropolitain stéphanois",
            instrument=Instrument.METROPOLITAN_POLE,
            status=CooperationStatus.ENDED,
            partners=[
                PartnerInput(b["saint_etienne_metropole"], PartnerRole.LEAD),
                PartnerInput(b["loire"], PartnerRole.ASSOCIATE),
            ],
            themes=[themes["economic-development"]],
            sources=[SourceInput(title="Dissolution", date="2022-12-22")],
            start="2012",
            end="2022-12",
            is_published=True,
        ),
        "ocean_network": cooperation_create(
            title="Réseau des villes océanes",
            instrument=Instrument.ASSOCIATION_NETWORK,
            status=CooperationStatus.ACTIVE,
            partners=[
                PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(b["saint_etienne_metropole"]),
                PartnerInput(cork),
            ],
            themes=[themes["tourism"]],
            sources=[SourceInput(title="Charte du réseau", date="2019")],
            start="2019-04",
            is_published=True,
        ),
        "guipavas_draft": cooperation_create(
            title="Entente entre Brest et Guipavas (brouillon)",
            instrument=Instrument.INFORMAL,
            status=CooperationStatus.PLANNED,
            partners=[
                PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(b["29075"]),
            ],
            is_published=False,
        ),
    }
    return records


@pytest.fixture
def staff_user(django_user_model):
    """A staff member who may use the registry's admin pages (not a superuser)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="curator", is_staff=True)
    codenames = [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("cooperation", "partnership", "source", "theme", "territory", "containment")
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def member_user(django_user_model):
    """A signed-in user who is not staff."""
    return django_user_model.objects.create_user(username="reader")


# Fixtures of the public pages (tests/cooperation/test_views.py, test_facets.py).


@pytest.fixture
def many_cooperations(brittany, themes):
    """Build `count` published records, each with `partners` partners (Brest Métropole as
    lead, then Quimper's agglomération, the Finistère, then new communes), a theme and a
    source; titles « Coopération 000 », « Coopération 001 »… Returns them in order."""

    def build(count: int, *, partners: int = 3, start: str = "2015"):
        others = [brittany["quimper_agglo"], brittany["finistere"]]
        others += [
            TerritoryFactory(kind=TerritoryKind.COMMUNE, code=f"29{600 + number:03d}")
            for number in range(max(0, partners - 3))
        ]
        return [
            cooperation_create(
                title=f"Coopération {number:03d}",
                instrument=Instrument.CHARTER,
                partners=[
                    PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                    *(PartnerInput(territory) for territory in others[: partners - 1]),
                ],
                themes=[themes["mobility"]],
                sources=[SourceInput(title=f"Source {number}", url="https://example.org/")],
                start=start,
                is_published=True,
            )
            for number in range(count)
        ]

    return build


@pytest.fixture
def record_with(brittany, themes):
    """Build one published record with `partners` partners (Brest Métropole as lead, then
    new communes) and `sources` sources, every text section filled."""

    def build(*, partners: int, sources: int, slug: str = "grande-fiche"):
        communes = [
            TerritoryFactory(
                kind=TerritoryKind.COMMUNE, code=f"29{700 + number:03d}", name=f"Ville {number}"
            )
            for number in range(partners - 1)
        ]
        return cooperation_create(
            title="Grande fiche",
            slug=slug,
            instrument=Instrument.FRAMEWORK_AGREEMENT,
            partners=[
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                *(PartnerInput(commune) for commune in communes),
            ],
            themes=list(themes.values()),
            sources=[
                SourceInput(title=f"Source {number}", url=f"https://example.org/{number}")
                for number in range(sources)
            ],
            start="2018-06",
            description="Description.",
            governance="Gouvernance.",
            engineering="Ingénierie.",
            funding="Financement.",
            outcomes="Réalisations.",
            difficulties="Difficultés.",
            uncertainty_notes="Incertain.",
            is_published=True,
        )

    return build
