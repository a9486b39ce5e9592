"""The browser's copy of the answer page's merge rule (`static/js/survey-merge.js`) gives
the server's answer (`surveys.services.step_save.may_merge`) on every shared case."""

import json
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

CASES = Path(__file__).parents[1] / "surveys" / "merge_rule_cases.json"


def test_the_browser_merges_exactly_when_the_server_does(browser):
    cases = json.loads(CASES.read_text())
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(path=str(Path(settings.BASE_DIR) / "static" / "js" / "survey-merge.js"))
    results = page.evaluate(
        "cases => cases.map(c => window.surveyMerge.mayMerge(c.theirs, c.base, c.mine))", cases
    )
    context.close()
    assert {case["case"]: result for case, result in zip(cases, results, strict=True)} == {
        case["case"]: case["merges"] for case in cases
    }
