"""axe-core in the browser tests: `assert_accessible(page)` fails on any serious or
critical violation of the page as it is displayed.

axe-core comes from the `axe-playwright-python` package (dev extra, pinned in
requirements.lock), which bundles `axe.min.js`: nothing is fetched at run time. The rules
are axe's defaults (WCAG 2.0, 2.1 and 2.2 A and AA, plus best practices); "minor" and
"moderate" findings are left to review, "serious" and "critical" fail the test.
"""

from axe_playwright_python.sync_playwright import Axe

FAILING_IMPACTS = ("serious", "critical")

_axe = Axe()


def accessibility_violations(page, *, impacts=FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations on `page` whose impact is one of `impacts`."""
    results = _axe.run(page)
    return [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in impacts
    ]


def describe(violations: list[dict]) -> str:
    """One paragraph per violation: the rule, its help and the first offending nodes."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s))"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail if axe-core finds a serious or critical violation on `page`."""
    violations = accessibility_violations(page)
    assert not violations, f"Accessibility violations on {page.url}:\n{describe(violations)}"
