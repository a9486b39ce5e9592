"""The OpenAPI schema documents the errors that Django answers around the views."""

import pytest


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_django_answers(schema):
    for name, operation in operations(schema):
        responses = operation["responses"]
        with_a_body = {"413", "415"} if "requestBody" in operation else set()
        expected = {"400", "404", "414", "500"} | with_a_body
        assert expected <= set(responses), name
        for status in ("414", "500"):
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/ErrorDetail"}, (name, status)


def test_request_bodies_are_json_only(schema):
    for name, operation in operations(schema):
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], name


def test_an_operations_own_description_of_an_error_is_kept(schema):
    listing = schema["paths"]["/api/v1/cooperations/"]["get"]["responses"]

    assert listing["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "CooperationFilterErrors"
    )
    assert listing["404"]["description"] == "Page inexistante."


def test_the_limits_are_stated_with_their_values(schema):
    detail = schema["paths"]["/api/v1/cooperations/{slug}/"]["patch"]["responses"]

    assert "4\xa0000" in detail["414"]["description"]
    assert "2\xa0621\xa0440" in detail["413"]["description"]
