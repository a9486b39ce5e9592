"""The respondent's name and e-mail are pre-filled from the officer's account."""

from surveys.services.responses import response_open


def test_new_response_starts_with_the_officer_name_and_email(campaign, brittany, make_user):
    officer = make_user("anne", territories=[brittany["brest_metropole"]])
    officer.first_name, officer.last_name = "Anne", "Le Gall"
    officer.save()
    response = response_open(campaign=campaign, territory=brittany["brest_metropole"], user=officer)
    assert response.answers["respondent"] == {
        "respondent_name": "Anne Le Gall",
        "respondent_email": "anne@example.org",
    }


def test_a_reviewer_starting_the_response_is_not_the_respondent(campaign, brittany, reviewer):
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=reviewer
    )
    assert "respondent" not in response.answers


def test_the_step_shows_them_in_the_fields(client, campaign, brittany, make_user):
    officer = make_user("anne", territories=[brittany["brest_metropole"]])
    officer.first_name, officer.last_name = "Anne", "Le Gall"
    officer.save()
    client.force_login(officer)
    html = client.get(campaign.answer_url(brittany["brest_metropole"])).content.decode()
    assert 'value="Anne Le Gall"' in html
    assert 'value="anne@example.org"' in html
