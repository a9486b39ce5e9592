"""Posted fields → answers JSON: the rules survey-answer.js follows too."""

import pytest
from django.http import QueryDict

from surveys.answering.form import (
    Action,
    apply_action,
    convert_text,
    parse_action,
    section_from_post,
    sections_of,
    without_refused,
)


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name.replace("__", "."), value if isinstance(value, list) else [value])
    return data


@pytest.fixture
def sections(census):
    return {s.code: s for s in sections_of(census.definition, census.questions)}


@pytest.mark.parametrize(
    "kind, typed, expected",
    [
        ("short_text", "  Brest \r\n", "Brest"),
        ("long_text", "a\r\nb", "a\nb"),
        ("integer", "12\u00a0000", 12000),
        ("integer", "-3", -3),
        ("integer", "douze", "douze"),
        ("year", " 2016 ", 2016),
        ("year", "20O6", "20O6"),
        ("decimal", "12,5", 12.5),
        ("decimal", "7", 7),
        ("decimal", "1,2,3", "1,2,3"),
        ("date", "2016-11-04", "2016-11-04"),
        ("date", "4/11/2016", "2016-11-04"),
        ("date", "31/02/2016", "31/02/2016"),
        ("yes_no", "true", True),
        ("yes_no", "false", False),
        ("url", "", ""),
    ],
)
def test_typed_values_convert_or_stay_as_typed(kind, typed, expected):
    assert convert_text(kind, typed) == expected


def test_a_section_is_read_from_its_fields(sections):
    value = section_from_post(
        sections["respondent"],
        posted(respondent__respondent_name="Anne", respondent__respondent_role="", other="x"),
    )
    assert value == {"respondent_name": "Anne"}


def test_entries_keep_their_ids_order_and_registry_link(sections):
    value = section_from_post(
        sections["cooperations"],
        posted(
            cooperations__10___entry="b",
            cooperations__10__coop_title="Second",
            cooperations__2___entry="a",
            cooperations__2___registry_slug="contrat",
            cooperations__2__coop_themes=["mobility", "tourism"],
        ),
    )
    assert value == [
        {"_entry": "a", "_registry_slug": "contrat", "coop_themes": ["mobility", "tourism"]},
        {"_entry": "b", "coop_title": "Second"},
    ]


def test_partners_are_read_in_order_with_additions_and_one_removal(sections):
    value = section_from_post(
        sections["cooperations"],
        posted(
            cooperations__0___entry="a",
            cooperations__0__coop_partners__0="epci:242900694",
            cooperations__0__coop_partners__1__other_name="PETR X",
            cooperations__0__coop_partners__1__other_category="PETR",
            cooperations__0__coop_partners__3="commune:29019",
            cooperations__0__coop_partners___add=["commune:29019", "department:29"],
            cooperations__0__coop_partners___other_name="Pays Y",
            cooperations__0__coop_partners___other_category="",
        ),
        removed="cooperations.0.coop_partners.0",
    )
    assert value[0]["coop_partners"] == [
        {"other_name": "PETR X", "other_category": "PETR"},
        "commune:29019",
        "department:29",
        {"other_name": "Pays Y", "other_category": ""},
    ]


def test_removing_an_entry_leaves_the_others(sections):
    value = section_from_post(
        sections["cooperations"],
        posted(cooperations__0___entry="a", cooperations__1___entry="b"),
        removed="cooperations.0",
    )
    assert value == [{"_entry": "b"}]


def test_adding_an_entry_gives_it_a_fresh_id(sections):
    value = apply_action(sections["cooperations"], [{"_entry": "a"}], Action("add-entry"))
    assert len(value) == 2 and value[1]["_entry"] not in ("", "a")


def test_unknown_actions_save():
    assert parse_action("explode:now") == Action("save")
    assert parse_action("goto:approach") == Action("goto", "approach")
    assert parse_action(None) == Action("save")


def test_refused_answers_go_back_to_their_saved_values(sections):
    section = sections["cooperations"]
    mine = [{"_entry": "a", "coop_start_year": "deux", "coop_end_year": "x", "coop_title": "T"}]
    saved = [{"_entry": "a", "coop_start_year": 2016}]
    result = without_refused(
        section, mine, saved, ["cooperations.0.coop_start_year", "cooperations.0.coop_end_year"]
    )
    assert result == [{"_entry": "a", "coop_start_year": 2016, "coop_title": "T"}]
    assert without_refused(section, mine, saved, ["cooperations"]) is None
    assert without_refused(section, mine, saved, ["respondent.respondent_name"]) is None


def test_every_type_of_unlisted_partner_is_offered_with_a_french_label():
    from surveys.answering.answers import OTHER_PARTNER_CATEGORIES
    from surveys.answering.fields import other_categories

    offered = dict(other_categories())
    assert tuple(offered) == OTHER_PARTNER_CATEGORIES
    assert offered["FOREIGN"] == "Collectivité étrangère"
    assert offered["PETR"] == "Pôle d’équilibre territorial et rural (PETR)"
