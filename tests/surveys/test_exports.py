"""Reviewers' exports of a campaign's responses: /enquetes/revue/campagnes/<id>/export/<fmt>/
and surveys/exports.py."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cooperation.models import PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from surveys.exports import ENTRY_COLUMNS, RESPONSE_COLUMNS
from surveys.models import Response
from surveys.services.responses import response_open, response_save, response_submit
from tests.fixtures.surveys import complete_answers, make_campaign, make_responses

BOM = "\ufeff".encode()
PARTNERS = "CA Quimper Bretagne Occidentale (epci:242900694) ; PETR du Pays de Retz [PETR]"


def export_url(campaign, fmt: str) -> str:
    return reverse("surveys:review_export", kwargs={"campaign_id": campaign.pk, "fmt": fmt})


def download(client, campaign, fmt: str, query: str = ""):
    """Request an export and return (response, whole body); asserts success."""
    response = client.get(f"{export_url(campaign, fmt)}?{query}")
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    body = b"".join(response.streaming_content)
    return response, body


def csv_rows(body: bytes, delimiter: str = ",") -> list[dict]:
    assert body.startswith(BOM)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def brest_answers() -> dict:
    answers = complete_answers()
    first = answers["cooperations"][0]
    first["coop_partners"] = [
        "epci:242900694",
        {"other_name": "PETR du Pays de Retz", "other_category": "PETR"},
    ]
    first["coop_themes"] = ["mobility", "tourism"]
    first["coop_has_engineering"] = True
    first["coop_summary"] = "=1+2"
    first["_registry_slug"] = "brest-quimper"
    # Typed while the status was "ended", then the status went back to "active": the
    # question is hidden, its answer is no longer part of the response.
    first["coop_end_year"] = 2020
    answers["cooperations"].append(
        {
            "_entry": "c2",
            "coop_title": "Pôle métropolitain Loire-Bretagne",
            "coop_partners": ["epci:244200770"],
            "coop_instrument": "metropolitan_pole",
            "coop_themes": ["economic-development"],
            "coop_status": "ended",
            "coop_end_year": 2019,
        }
    )
    answers["approach"]["approach_main_barriers"] = []
    return answers


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def responses(campaign, brittany, brest_officer, make_user):
    """Brest submitted with two cooperations; Saint-Étienne a draft with a name only."""
    brest = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    # The record the first entry names: published, with Brest among its partners.
    cooperation_create(
        title="Contrat de réciprocité Brest - Quimper",
        slug="brest-quimper",
        instrument="reciprocity_contract",
        partners=[PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD)],
        is_published=True,
    )
    brest = response_save(response=brest, answers=brest_answers(), version=1, user=brest_officer)
    brest = response_submit(response=brest, user=brest_officer)
    officer = make_user("saint-etienne", territories=[brittany["saint_etienne_metropole"]])
    saint_etienne = response_open(
        campaign=campaign, territory=brittany["saint_etienne_metropole"], user=officer
    )
    saint_etienne = response_save(
        response=saint_etienne,
        answers={"respondent": {"respondent_name": "Jean Martin"}},
        version=saint_etienne.version,
        user=officer,
    )
    return {"brest": brest, "saint_etienne": saint_etienne}


# Access ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, campaign):
    response = client.get(export_url(campaign, "csv"))

    assert response.status_code == 302
    assert response.url.startswith(settings.LOGIN_URL)


def test_officers_may_not_export(client, campaign, brest_officer, responses):
    client.force_login(brest_officer)

    for fmt in ("csv", "xlsx", "ods"):
        assert client.get(export_url(campaign, fmt)).status_code == 403


def test_an_unknown_format_or_campaign_is_a_404(staff_client, campaign):
    assert staff_client.get(export_url(campaign, "pdf")).status_code == 404
    url = reverse("surveys:review_export", kwargs={"campaign_id": 999999, "fmt": "csv"})
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["table=everything", "sep=tab", "status=lost", "updated_since=hier", "ordering=answers"],
)
def test_invalid_parameters_are_a_plain_400(staff_client, campaign, query):
    response = staff_client.get(f"{export_url(campaign, 'csv')}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Export impossible\u00a0:" in response.content.decode()


# CSV ---------------------------------------------------------------------------------------


def test_csv_of_responses_has_one_row_per_response(staff_client, campaign, responses, census):
    response, body = download(staff_client, campaign, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert (
        f'filename="enquete-recensement-responses-{today}.csv"' in (response["Content-Disposition"])
    )
    assert response["Cache-Control"] == "private"
    rows = csv_rows(body)
    header = list(rows[0])
    codes = [q.code for q in census.questions if not q.repeatable]
    assert header == [*RESPONSE_COLUMNS, *codes]
    by_territory = {row["territory_name"]: row for row in rows}
    assert set(by_territory) == {"Brest Métropole", "Saint-Étienne Métropole"}
    brest = by_territory["Brest Métropole"]
    assert brest["response_id"] == str(responses["brest"].pk)
    assert brest["campaign_id"] == str(campaign.pk)
    assert brest["campaign_title"] == "Recensement"
    assert brest["territory_kind"] == "epci"
    assert brest["territory_code"] == "242900314"
    assert brest["status"] == "submitted"
    assert brest["status_label"] == "Transmise"
    assert brest["questionnaire_slug"] == "recensement-cooperations-interterritoriales"
    assert brest["questionnaire_version"] == "1"
    assert brest["version"] == "2"
    assert brest["submitted_at"].startswith(today)
    assert brest["validated_at"] == ""
    assert brest["entry_count"] == "2"
    assert brest["respondent_name"] == "Anne Le Gall"
    assert brest["approach_strategy"] == "non"
    assert brest["approach_main_barriers"] == ""
    saint_etienne = by_territory["Saint-Étienne Métropole"]
    assert saint_etienne["status_label"] == "Brouillon"
    assert saint_etienne["submitted_at"] == ""
    assert saint_etienne["respondent_name"] == "Jean Martin"
    assert saint_etienne["approach_strategy"] == ""


def test_csv_of_cooperations_has_one_row_per_entry(staff_client, campaign, responses, census):
    _response, body = download(staff_client, campaign, "csv", "table=cooperations")

    rows = csv_rows(body)
    codes = [q.code for q in census.questions if q.repeatable]
    assert list(rows[0]) == [*ENTRY_COLUMNS, *codes]
    assert len(rows) == 2
    first, second = rows
    assert first["response_id"] == str(responses["brest"].pk)
    assert first["territory_name"] == "Brest Métropole"
    assert (first["entry"], first["registry_slug"], first["entry_number"]) == (
        "c1",
        "brest-quimper",
        "1",
    )
    assert first["coop_partners"] == PARTNERS
    assert first["coop_themes"] == "mobility ; tourism"
    assert first["coop_instrument"] == "reciprocity_contract"
    assert first["coop_has_engineering"] == "oui"
    assert first["coop_summary"] == "'=1+2"  # never a formula in a spreadsheet
    assert first["coop_end_year"] == ""  # hidden by its condition (status active)
    assert (second["entry"], second["registry_slug"], second["entry_number"]) == ("c2", "", "2")
    assert second["coop_partners"] == "Saint-Étienne Métropole (epci:244200770)"
    assert second["coop_end_year"] == "2019"


def test_codebook_has_one_row_per_question(staff_client, campaign, census):
    _response, body = download(staff_client, campaign, "csv", "table=codebook")

    rows = csv_rows(body)
    assert len(rows) == len(census.questions)
    assert list(rows[0]) == [
        "section",
        "table",
        "question",
        "type",
        "label_fr",
        "label_en",
        "help_fr",
        "required",
        "condition",
        "choices",
    ]
    by_code = {row["question"]: row for row in rows}
    instrument = by_code["coop_instrument"]
    assert instrument["section"] == "cooperations"
    assert instrument["table"] == "cooperations"
    assert instrument["type"] == "single_choice"
    assert instrument["label_fr"] == "Forme de la coopération"
    assert instrument["label_en"] == "Form of the cooperation"
    assert instrument["required"] == "oui"
    assert instrument["choices"].startswith(
        "reciprocity_contract = Contrat de réciprocité ; cooperation_agreement = "
    )
    assert by_code["coop_end_year"]["condition"] == "coop_status = ended"
    assert by_code["coop_engineering"]["condition"] == "coop_has_engineering = oui"
    assert by_code["respondent_service"]["required"] == "non"
    assert by_code["respondent_role"]["help_fr"].startswith("Par exemple")
    assert by_code["respondent_name"]["table"] == "responses"


def test_csv_with_semicolons_for_french_excel(staff_client, campaign, responses):
    _response, body = download(staff_client, campaign, "csv", "sep=semicolon")

    assert len(csv_rows(body, delimiter=";")) == 2


def test_the_queue_filters_apply_to_the_export(staff_client, campaign, responses):
    def names(query):
        _response, body = download(staff_client, campaign, "csv", query)
        return [row["territory_name"] for row in csv_rows(body)]

    assert names("status=submitted") == ["Brest Métropole"]
    assert names("territory=saint+etienne") == ["Saint-Étienne Métropole"]
    assert names("territory=epci:242900314&table=cooperations") == ["Brest Métropole"] * 2
    assert names("ordering=-territory") == ["Saint-Étienne Métropole", "Brest Métropole"]


def test_only_the_campaigns_responses_are_exported(
    staff_client, campaign, census, brittany, responses
):
    other = make_campaign(census, [brittany["quimper_agglo"]], title="Autre vague")
    Response.objects.create(
        campaign=other, territory=brittany["quimper_agglo"], questionnaire=census
    )

    _response, body = download(staff_client, campaign, "csv")
    _response, other_body = download(staff_client, other, "csv")

    assert len(csv_rows(body)) == 2
    assert [row["territory_name"] for row in csv_rows(other_body)] == [
        "CA Quimper Bretagne Occidentale"
    ]


def test_a_campaign_without_responses_exports_headers_only(staff_client, campaign):
    _response, body = download(staff_client, campaign, "csv")

    assert body.decode("utf-8-sig").startswith("response_id,campaign_id,")
    assert csv_rows(body) == []


# Workbooks ---------------------------------------------------------------------------------


def test_xlsx_has_the_three_tables_as_sheets(staff_client, campaign, responses, census):
    response, body = download(staff_client, campaign, "xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert f'filename="enquete-recensement-{today}.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["responses", "cooperations", "codebook"]
    sheets = {name: list(workbook[name].values) for name in workbook.sheetnames}
    assert len(sheets["responses"]) == 1 + 2
    assert len(sheets["cooperations"]) == 1 + 2
    assert len(sheets["codebook"]) == 1 + len(census.questions)
    header = sheets["cooperations"][0]
    first = dict(zip(header, sheets["cooperations"][1], strict=True))
    assert first["coop_partners"] == PARTNERS
    assert first["entry_number"] == 1
    summary = workbook["cooperations"].cell(row=2, column=header.index("coop_summary") + 1)
    assert (summary.value, summary.data_type) == ("=1+2", "s")  # text, not a formula
    assert workbook["responses"].freeze_panes == "A2"


def test_ods_is_a_valid_spreadsheet_with_the_three_tables(staff_client, campaign, responses):
    response, body = download(staff_client, campaign, "ods")

    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = archive.read("content.xml").decode("utf-8")
    for name in ("responses", "cooperations", "codebook"):
        assert f'table:name="{name}"' in content
    assert "Saint-Étienne Métropole (epci:244200770)" in content
    assert "Forme de la coopération" in content


# Bounded queries ---------------------------------------------------------------------------


def many_responses(census, count: int):
    return make_responses(census, count, brest_answers())


@pytest.mark.parametrize("count", [2, 15])
@pytest.mark.parametrize(("fmt", "queries"), [("csv", 5), ("xlsx", 7)])
def test_exports_take_a_constant_number_of_queries(
    staff_client, census, count, fmt, queries, django_assert_max_num_queries
):
    campaign = many_responses(census, count)

    # Session and user, campaign, then per table: a chunk of responses and the names of the
    # territories their answers name.
    with django_assert_max_num_queries(queries):
        _response, body = download(staff_client, campaign, fmt)

    if fmt == "csv":
        assert len(csv_rows(body)) == count
