"""Shared pieces of the OpenAPI description: the schema class and the bodies of error
responses."""

from django.conf import settings
from django.utils.formats import number_format
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
    """Body of the errors that are not about fields or conflicts (401, 403, 404, 405, 413,
    414, 429, 500…): `{"detail": "…"}`."""

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


def invalid_parameters(serializer) -> OpenApiResponse:
    """The 400 of a list or a query: each invalid parameter, with its messages."""
    return OpenApiResponse(
        serializer,
        description=_("Paramètre invalide : chaque paramètre en cause, avec ses messages."),
    )


PAGE_NOT_FOUND = error_response(_("Page inexistante."))
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


def document_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: adds to every operation the error statuses that
    Django answers around the views (config/errors.py, config/request_line.py) and that
    DRF answers before the view reads the request (415), always as `{"detail": "…"}`,
    unless the operation documents them already more precisely."""
    limits = {
        "url": number_format(settings.MAX_URL_LENGTH, force_grouping=True),
        "body": number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True),
    }
    every_operation = {
        "400": _("Requête illisible (par exemple, trop de paramètres)."),
        "404": _(
            "Adresse inconnue : chemin, ou paramètre de chemin hors de son format (par "
            "exemple un type de territoire qui n’existe pas)."
        ),
        "414": _("Adresse (chemin et paramètres) de plus de %(url)s caractères.") % limits,
        "500": _("Erreur interne du serveur."),
    }
    with_a_body = {
        "413": _("Corps de la requête de plus de %(body)s octets.") % limits,
        "415": _("Corps de la requête dans un autre format que JSON (application/json)."),
    }
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
    _document_page_size_errors(result)
    for operations in result["paths"].values():
        for operation in operations.values():
            errors = {**every_operation, **(with_a_body if "requestBody" in operation else {})}
            responses = operation["responses"]
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": error_body})
            operation["responses"] = dict(sorted(responses.items()))
    return result


PAGE_SIZE_ERROR = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Un `page_size` qui n’est pas un nombre entier d’au moins 1.",
}


def _document_page_size_errors(result) -> None:
    """A paginated list answers an invalid `page_size` with a 400 on that key
    (config/api/pagination.py): added to the list's documented field errors, or documented
    beside Django's `{"detail"}` 400 when the list has no filters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for operations in result["paths"].values():
        for operation in operations.values():
            names = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])}
            if ("query", "page_size") not in names:
                continue
            responses = operation["responses"]
            documented = responses.get("400", {}).get("content", {}).get("application/json", {})
            reference = documented.get("schema", {}).get("$ref", "")
            component = schemas.get(reference.rsplit("/", 1)[-1]) if reference else None
            if component is not None and "properties" in component:
                component["properties"].setdefault("page_size", PAGE_SIZE_ERROR)
                continue
            if "400" in responses:
                continue
            schemas.setdefault(
                "PageSizeErrors",
                {
                    "type": "object",
                    "required": ["page_size"],
                    "properties": {"page_size": PAGE_SIZE_ERROR},
                },
            )
            responses["400"] = {
                "description": str(_("Paramètre `page_size` invalide, ou requête illisible.")),
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/PageSizeErrors"},
                                {"$ref": "#/components/schemas/ErrorDetail"},
                            ]
                        }
                    }
                },
            }
