"""Serializer fields shared by the API's apps, and the one home of the API's rule for
"no value": a blank stored value ("") reads as null, and null is accepted back on input
(stored as "")."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.ReadOnlyField):
    """A site-relative URL (e.g. from `get_absolute_url`) made absolute with the request's
    scheme and host, so that clients can follow it as is."""

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value


class BlankAsNullMixin:
    """Expose a blank stored value ("") as null: "no value" reads the same in every field."""

    def to_representation(self, value):
        if value == "":
            return None
        return super().to_representation(value)


class BlankAsNullCharField(BlankAsNullMixin, serializers.CharField):
    pass


class BlankAsNullChoiceField(BlankAsNullMixin, serializers.ChoiceField):
    pass


class NullAsBlankMixin:
    """Accept null (what the API returns for "no value") as well as "" on input, and store
    "" — so that a client can send back what it read."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        is_empty, value = super().validate_empty_values(data)
        return (True, "") if is_empty and value is None else (is_empty, value)


class NullAsBlankCharField(NullAsBlankMixin, serializers.CharField):
    pass


class NullAsBlankURLField(NullAsBlankMixin, serializers.URLField):
    pass
