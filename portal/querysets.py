"""QuerySet behaviour shared by the apps' browsable models."""

from django.db import models


class StableOrderQuerySet(models.QuerySet):
    """A queryset whose pages never repeat or skip a row: `with_stable_order()` keeps the
    current ordering (or the model's) and breaks its ties by `tie_breakers()`, which ends
    with the primary key."""

    def tie_breakers(self) -> tuple:
        return ("pk",)

    def with_stable_order(self):
        ordering = self.query.order_by or self.model._meta.ordering
        return self.order_by(*ordering, *self.tie_breakers())
