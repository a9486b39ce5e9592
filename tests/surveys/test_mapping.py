from surveys.answering.mapping import entry_differences, entry_from_cooperation


def test_entry_from_record_leaves_the_answering_territory_out_of_the_partners(registry, brittany):
    record = registry["brest_quimper"]

    entry = entry_from_cooperation(record, territory=brittany["brest_metropole"])

    quimper, pays = brittany["quimper_agglo"], record.partnerships.get(position=2).territory
    assert entry["coop_partners"] == [
        f"{quimper.kind}:{quimper.code}",
        f"{pays.kind}:{pays.code}",
    ]
    assert entry["_registry_slug"] == record.slug
    assert entry["_entry"] == f"registry-{record.slug}"


def test_entry_from_record_carries_codes_years_and_sources(registry, brittany):
    entry = entry_from_cooperation(
        registry["saint_etienne_pole"], territory=brittany["saint_etienne_metropole"]
    )

    assert entry["coop_instrument"] == "metropolitan_pole"
    assert entry["coop_status"] == "ended"
    assert entry["coop_themes"] == ["economic-development"]
    assert (entry["coop_start_year"], entry["coop_end_year"]) == (2012, 2022)
    assert entry["coop_documents"] == "Dissolution"
    assert "coop_has_engineering" not in entry


def test_entry_from_record_joins_source_titles_and_links(registry, brittany):
    entry = entry_from_cooperation(registry["brest_quimper"], territory=brittany["brest_metropole"])

    assert entry["coop_documents"].splitlines() == [
        "Signature du contrat",
        "Bilan — https://example.org/bilan",
    ]
    assert entry["coop_summary"] == "Coopération ville-campagne."
    assert "coop_end_year" not in entry


def test_differences_tell_same_changed_added_and_removed():
    recorded = {
        "coop_title": "Contrat",
        "coop_themes": ["mobility", "tourism"],
        "coop_status": "active",
        "coop_funding": "État",
    }
    declared = {
        "coop_title": " Contrat\r\n",
        "coop_themes": ["tourism", "mobility"],
        "coop_status": "ended",
        "coop_end_year": 2024,
        "coop_funding": "",
    }

    differences = entry_differences(declared, recorded)

    assert differences["coop_title"] == "same"
    assert differences["coop_themes"] == "same"
    assert differences["coop_status"] == "changed"
    assert differences["coop_end_year"] == "added"
    assert differences["coop_funding"] == "removed"
    assert differences["coop_governance"] == "same"
