"""Shared pieces of the OpenAPI description: the schema class and the bodies of error
responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema, knowing that a permission with `allows_anonymous_reads`
    (e.g. config.api.permissions.IsStaffOrReadOnly) lets reads through without credentials,
    as it already knows for AllowAny and IsAuthenticatedOrReadOnly."""

    def get_auth(self):
        auths = super().get_auth()
        if (
            self.method in permissions.SAFE_METHODS
            and {} not in auths
            and any(
                getattr(permission, "allows_anonymous_reads", False)
                for permission in self.view.get_permissions()
            )
        ):
            auths.append({})
        return auths


class ModelChoiceFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter support, typing a ModelChoiceFilter or
    ModelMultipleChoiceFilter by the field its values name (`to_field_name`, e.g. a
    territory's `code`) rather than by the primary key of the model field it filters on —
    or by nothing at all when it filters through a method."""

    priority = 1  # preferred to the stock extension, which it refines

    def _get_schema_from_model_field(self, auto_schema, filter_field, model):
        queryset = filter_field.extra.get("queryset")
        if queryset is not None and not callable(queryset):
            to_field_name = filter_field.extra.get("to_field_name")
            options = queryset.model._meta
            target = options.get_field(to_field_name) if to_field_name else options.pk
            return auto_schema._map_model_field(target, direction=None)
        return super()._get_schema_from_model_field(auto_schema, filter_field, model)


class ErrorDetailSerializer(serializers.Serializer):
    """Body of 401, 403, 404, 405 and 429 responses: `{"detail": "…"}`."""

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


def error_response(description) -> OpenApiResponse:
    """A `{"detail": "…"}` response with its description (401, 403, 404, 429…)."""
    return OpenApiResponse(ErrorDetailSerializer, description=description)


NOT_AUTHENTICATED = error_response(
    _(
        "Authentification requise : en-tête « Authorization: Token <clé> » "
        "(ou session ouverte sur le portail)."
    )
)
PERMISSION_DENIED = error_response(_("Réservé aux membres de l’équipe (compte « staff »)."))
THROTTLED = error_response(
    _("Trop de requêtes anonymes : réessayer après le délai indiqué par l’en-tête Retry-After.")
)
