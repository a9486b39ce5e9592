import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cooperation.dates import (
    DatePrecision,
    display_partial_date,
    format_partial_date,
    parse_partial_date,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016", (datetime.date(2016, 1, 1), DatePrecision.YEAR)),
        ("2016-11", (datetime.date(2016, 11, 1), DatePrecision.MONTH)),
        ("2016-11-04", (datetime.date(2016, 11, 4), DatePrecision.DAY)),
        ("  2013-04 ", (datetime.date(2013, 4, 1), DatePrecision.MONTH)),
        ("2024-02-29", (datetime.date(2024, 2, 29), DatePrecision.DAY)),
    ],
)
def test_parse_keeps_the_precision_given(value, expected):
    assert parse_partial_date(value) == expected


@pytest.mark.parametrize("value", ["", "   ", None])
def test_parse_empty_value_is_unknown_date(value):
    assert parse_partial_date(value) == (None, "")


@pytest.mark.parametrize("value", ["16", "2016/11", "11-2016", "2016-1", "2016-11-4", "mars 2017"])
def test_parse_rejects_other_shapes_with_the_expected_form(value):
    with pytest.raises(ValidationError) as error:
        parse_partial_date(value)
    assert error.value.code == "invalid_partial_date"
    assert "AAAA, AAAA-MM ou AAAA-MM-JJ" in error.value.messages[0]
    assert value.strip() in error.value.messages[0]


@pytest.mark.parametrize("value", ["2016-13", "2016-00", "2016-02-30", "2017-02-29", "0000"])
def test_parse_rejects_impossible_dates(value):
    with pytest.raises(ValidationError) as error:
        parse_partial_date(value)
    assert error.value.code == "invalid_date"
    assert f"«\u00a0{value}\u00a0»" in error.value.messages[0]


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (datetime.date(2016, 1, 1), DatePrecision.YEAR, "2016"),
        (datetime.date(2016, 11, 1), DatePrecision.MONTH, "2016-11"),
        (datetime.date(2016, 11, 4), DatePrecision.DAY, "2016-11-04"),
        (None, "", ""),
    ],
)
def test_format_gives_the_iso_form_at_its_precision(date, precision, expected):
    assert format_partial_date(date, precision) == expected


@pytest.mark.parametrize("value", ["2016", "2016-11", "2016-11-04", ""])
def test_format_after_parse_round_trips(value):
    assert format_partial_date(*parse_partial_date(value)) == value


@pytest.mark.parametrize(
    ("date", "precision", "french", "english"),
    [
        (datetime.date(2016, 1, 1), DatePrecision.YEAR, "2016", "2016"),
        (datetime.date(2016, 11, 1), DatePrecision.MONTH, "novembre 2016", "November 2016"),
        (datetime.date(2016, 11, 4), DatePrecision.DAY, "4 novembre 2016", "Nov. 4, 2016"),
        (None, "", "", ""),
    ],
)
def test_display_shows_only_the_known_precision_in_the_active_language(
    date, precision, french, english
):
    with translation.override("fr"):
        assert display_partial_date(date, precision) == french
    with translation.override("en"):
        assert display_partial_date(date, precision) == english
