"""The API's JSON parser: nesting beyond MAX_JSON_DEPTH is a 400, never a crash."""

import io

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ParseError

from config.api.parsers import MAX_JSON_DEPTH, JSONParser, depth_exceeds


def parse(text: str):
    return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_at_the_depth_limit_is_read():
    assert parse(nested(MAX_JSON_DEPTH)) == parse(nested(MAX_JSON_DEPTH))
    assert parse('{"a": {"b": [1, {"c": null}]}}') == {"a": {"b": [1, {"c": None}]}}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_json_nested_deeper_is_a_parse_error(depth):
    with pytest.raises(ParseError, match=str(MAX_JSON_DEPTH)):
        parse(nested(depth))


def test_objects_count_as_levels_like_arrays():
    assert not depth_exceeds({"a": {"b": 1}}, 2)
    assert depth_exceeds({"a": {"b": {}}}, 2)
    assert not depth_exceeds("scalar", 0)


def test_a_deeply_nested_body_is_a_400_on_the_api(client, db):
    response = client.patch(
        "/api/v1/cooperations/any/", nested(1000), content_type="application/json"
    )

    # Anonymous: refused before the body is read; a staff write reads it (test_api_writes.py).
    assert response.status_code == 401


def test_a_form_encoded_body_is_a_415(client, staff_user):
    token = Token.objects.create(user=staff_user).key

    response = client.post(
        "/api/v1/cooperations/",
        "title=Contrat&instrument=informal",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 415
    assert list(response.json()) == ["detail"]
