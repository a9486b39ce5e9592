"""Shared pieces of the OpenAPI description: the bodies of error responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    """Body of 401, 403, 404 and 405 responses: `{"detail": "…"}`."""

    detail = serializers.CharField(help_text=_("Message lisible, dans la langue de la requête."))


def field_errors_serializer(name: str, field_names):
    """Body of a 400: one key per invalid parameter, each with a list of messages."""
    return inline_serializer(
        name=name,
        fields={
            field_name: serializers.ListField(child=serializers.CharField(), required=False)
            for field_name in field_names
        },
    )
