"""Serializer fields shared by the API's apps."""

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
