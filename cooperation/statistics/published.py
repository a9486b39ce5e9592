"""Figures published about inter-territorial cooperation, shown beside the registry's own
with their sources (shared/domain/cooperation-examples-2.md, "Published figures")."""

from django.utils.translation import gettext_lazy as _

from ..models import Instrument

# Each: what was counted, the value as published, its sources (title, publisher, date,
# url), and which of the registry's figures compares (None: none does).
PUBLISHED_FIGURES = (
    {
        "key": "census",
        "label": _("Coopérations recensées par l’enquête CGET, France urbaine, AdCF"),
        "value": _("173 coopérations déclarées par 21 métropoles (fin 2018)"),
        "compare": "total",
        "sources": (
            (
                "Métropoles : la mise en œuvre des coopérations interterritoriales",
                "vie-publique.fr",
                "2019-04-04",
                "https://www.vie-publique.fr/actualite/alaune/cooperations-interterritoriales-pratiques-developpement.html",
            ),
            (
                "Bordeaux Métropole et la coopération : l’heure de resserrer la focale ?",
                "La Tribune Objectif Aquitaine",
                "2019-10-14",
                "https://objectifaquitaine.latribune.fr/politique/2019-10-14/bordeaux-metropole-et-la-cooperation-l-heure-de-resserrer-la-focale-830231.html",
            ),
        ),
    },
    {
        "key": "innovation_pacts",
        "label": _("Pactes métropolitains d’innovation"),
        "value": _(
            "15, conclus de novembre 2016 à mars 2017, chacun avec un contrat de "
            "coopération métropolitaine"
        ),
        "compare": None,
        "sources": (
            (
                "Pactes métropolitains d’innovation : quels enjeux pour les territoires ?",
                "Banque des Territoires",
                "2017-01",
                "https://www.banquedesterritoires.fr/pactes-metropolitains-dinnovation-quels-enjeux-pour-les-territoires",
            ),
            (
                "22 métropoles, leviers de la coopération inter-territoriale",
                "CGET",
                "2017-10-17",
                "https://cget.gouv.fr/actualites/22-metropoles-leviers-de-la-cooperation-inter-territoriale",
            ),
        ),
    },
    {
        "key": "metropolitan_poles",
        "label": _("Pôles métropolitains"),
        "value": _("25 au 1er janvier 2021"),
        "compare": Instrument.METROPOLITAN_POLE.value,
        "sources": (
            (
                "Qu’est-ce qu’un pôle métropolitain ?",
                "vie-publique.fr",
                "",
                "https://www.vie-publique.fr/fiches/20131-quest-ce-quun-pole-metropolitain",
            ),
        ),
    },
    {
        "key": "reciprocity_contracts",
        "label": _("Contrats de réciprocité"),
        "value": _(
            "4 expérimentations retenues en 2015, dont 2 conclues ; une douzaine identifiés ensuite"
        ),
        "compare": Instrument.RECIPROCITY_CONTRACT.value,
        "sources": (
            (
                "Contrats de réciprocité",
                "Ministère de la Cohésion des territoires",
                "2019-08-09",
                "https://www.cohesion-territoires.gouv.fr/contrats-de-reciprocite",
            ),
            (
                "Les coopérations dans les Territoires de projet",
                "ANPP",
                "",
                "https://www.anpp.fr/archives/lescooperations/",
            ),
        ),
    },
)


def published_figures(statistics: dict) -> list[dict]:
    """The published figures, each with the registry's comparable count and its list link
    (or None), taken from computed `statistics`."""
    instruments = {
        row["key"]: row
        for table in statistics["tables"]
        if table["name"] == "instrument"
        for row in table["rows"]
    }
    figures = []
    for figure in PUBLISHED_FIGURES:
        ours = None
        if figure["compare"] == "total":
            ours = statistics["total"]
        elif figure["compare"] in instruments:
            ours = instruments[figure["compare"]]
        figures.append(
            {
                "key": figure["key"],
                "label": str(figure["label"]),
                "value": str(figure["value"]),
                "registry_count": ours["count"] if ours else None,
                "registry_url": ours["list_url"] if ours else None,
                "sources": [
                    {"title": title, "publisher": publisher, "date": date, "url": url}
                    for title, publisher, date, url in figure["sources"]
                ],
            }
        )
    return figures
