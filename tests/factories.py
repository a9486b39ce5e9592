"""Factories for small, self-contained fixtures. Tests never rely on the full import."""

import factory

from territories.models import Containment, Territory, TerritoryKind
from territories.text import normalize_search_text


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("kind", "code")

    kind = TerritoryKind.COMMUNE
    code = factory.Sequence(lambda n: f"{10000 + n}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize_search_text(o.name))
    population = 1000
    source = "tests"


class ContainmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Containment

    container = factory.SubFactory(TerritoryFactory, kind=TerritoryKind.DEPARTMENT)
    content = factory.SubFactory(TerritoryFactory)


def place(content: Territory, *containers: Territory) -> Territory:
    """Put `content` inside each of `containers` (callers list the transitive ones too)."""
    for container in containers:
        Containment.objects.get_or_create(content=content, container=container)
    return content
