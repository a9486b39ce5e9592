"""One plan per cooperation entry: the record it maps to, its declared answers, its
partners resolved and what it would change — read by the review's comparison and applied
by the promotion."""

import pytest

from surveys.comparison import entry_comparisons
from surveys.entry_plan import cooperation_entries, entry_plans
from surveys.models import Promotion
from surveys.services.responses import response_validate
from tests.surveys.test_promotion import new_entry, prefilled, submit

UNLISTED = {"other_name": "Pays du centre-ouest Bretagne", "other_category": "PAYS"}
NEW_GROUPING = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


def test_each_entry_has_one_plan_with_its_record_partners_and_changes(
    campaign, brest, brest_officer, registry, brittany, pays_cob, django_assert_max_num_queries
):
    record = registry["brest_quimper"]
    # Pays COB dropped from the record, Guipavas added.
    updated = prefilled(record, brest, coop_partners=["epci:242900694", "commune:29075"])
    created = new_entry(_entry="c2", coop_partners=[UNLISTED, NEW_GROUPING])
    response = submit(campaign, brest, brest_officer, [updated, created])

    with django_assert_max_num_queries(12):
        plans = entry_plans(response, cooperation_entries(response))

    first, second = plans.plans
    assert (first.number, first.record, first.promotion) == (1, record, None)
    assert first.partners == [brittany["quimper_agglo"], brittany["29075"]]
    assert first.removed_partners == [pays_cob]
    assert first.states["coop_partners"] == "changed"
    assert first.states["coop_title"] == "same"
    assert (second.number, second.entry_id, second.record) == (2, "c2", None)
    assert second.declared["coop_title"] == created["coop_title"]
    # An existing grouping is found by name; a new one stays as declared, for the
    # promotion to create.
    assert second.partners == [pays_cob, NEW_GROUPING]
    assert second.states == {} and second.removed_partners == []


def test_the_comparison_shows_what_the_promotion_then_does(
    campaign, brest, brest_officer, registry, reviewer, pays_cob
):
    record = registry["brest_quimper"]
    entry = prefilled(record, brest, coop_partners=["epci:242900694"], coop_summary="Relu.")
    response = submit(campaign, brest, brest_officer, [entry, new_entry(_entry="c2")])

    (before_update, before_new) = entry_comparisons(response)
    assert before_update.record == record and not before_update.is_identical
    assert before_update.removed_partners == [pays_cob]
    assert before_new.is_new

    response_validate(response=response, reviewer=reviewer)

    promoted = {p.entry: p.cooperation for p in Promotion.objects.filter(response=response)}
    after_update, after_new = entry_comparisons(response)
    assert promoted == {entry["_entry"]: record, "c2": after_new.record}
    assert after_update.is_identical and after_new.is_identical
    assert after_update.removed_partners == [] and after_new.removed_partners == []
