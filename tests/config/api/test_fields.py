"""The API's one rule for "no value" (config.api.fields): blank reads as null, and null is
accepted back on input and stored as blank."""

import pytest
from rest_framework import serializers

from config.api.fields import (
    BlankAsNullCharField,
    BlankAsNullChoiceField,
    NullAsBlankCharField,
    NullAsBlankURLField,
)


def test_blank_reads_as_null():
    assert BlankAsNullCharField().to_representation("") is None
    assert BlankAsNullCharField().to_representation("Brest") == "Brest"
    assert BlankAsNullChoiceField(choices=[("a", "A")]).to_representation("") is None


@pytest.mark.parametrize("field_class", [NullAsBlankCharField, NullAsBlankURLField])
@pytest.mark.parametrize("sent", [None, ""])
def test_null_and_blank_are_stored_as_blank(field_class, sent):
    class Body(serializers.Serializer):
        value = field_class(required=False)

    body = Body(data={"value": sent})
    assert body.is_valid(), body.errors
    assert body.validated_data == {"value": ""}
