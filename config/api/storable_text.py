"""Text that no database column can hold: a NUL character, or a lone surrogate ("\\ud800",
which JSON can carry but UTF-8 cannot encode). PostgreSQL refuses both (the driver raises
before the query is sent), and a message that quotes such a value cannot be written out
as UTF-8 either.

DRF's CharField already refuses both, but only after the field has read the value: fields
that look a value up, parse it or quote it in their error messages (choices, territory
references, partial dates) would get there first. The serializers that write therefore
apply the same two validators to every field's raw value before any field reads it."""

from collections.abc import Iterator, Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

RULES = (ProhibitNullCharactersValidator(), ProhibitSurrogateCharactersValidator())


def _strings(value) -> Iterator[str]:
    """Every string in `value`, keys of objects included, at any depth."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)


def unstorable_text_messages(value) -> list[str]:
    """The messages about the first string in `value` that cannot be stored, or []."""
    for text in _strings(value):
        for rule in RULES:
            try:
                rule(text)
            except DjangoValidationError as error:  # Django's validator
                return error.messages
            except serializers.ValidationError as error:  # DRF's
                return list(error.detail)
    return []


class StorableTextMixin:
    """For a serializer that writes: a field whose value holds text that cannot be stored
    is a 400 on that field (`{"title": ["…"]}`), before any field reads its value. Nested
    serializers apply the rule to their own fields, so that the error names the item."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if name not in data or field.read_only or _applies_the_rule(field):
                    continue
                messages = unstorable_text_messages(data[name])
                if messages:
                    errors[name] = messages
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _applies_the_rule(field) -> bool:
    """Whether a nested serializer (or the items of a nested list) checks its own fields."""
    return isinstance(getattr(field, "child", field), StorableTextMixin)
