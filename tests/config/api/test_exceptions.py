"""The API's exception handler: a service's ValidationError is a 400, never a 500."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound

from config.api.exceptions import exception_handler


def test_field_errors_from_a_service_become_a_400_per_field():
    error = ValidationError({"name": ["Trop long."], "code": ["Déjà pris.", "Invalide."]})

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"name": ["Trop long."], "code": ["Déjà pris.", "Invalide."]}


def test_a_plain_message_from_a_service_becomes_a_non_field_error():
    response = exception_handler(ValidationError("Campagne close."), {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Campagne close."]}


def test_errors_on_the_whole_object_use_the_non_field_key():
    error = ValidationError({"__all__": ["Réponse déjà soumise."]})

    response = exception_handler(error, {})

    assert response.data == {"non_field_errors": ["Réponse déjà soumise."]}


def test_message_parameters_are_interpolated():
    error = ValidationError("Code %(code)s inconnu.", params={"code": "99"})

    assert exception_handler(error, {}).data == {"non_field_errors": ["Code 99 inconnu."]}


def test_other_exceptions_keep_drf_handling():
    response = exception_handler(NotFound(), {})

    assert response.status_code == 404
    assert "detail" in response.data


def test_unexpected_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None
