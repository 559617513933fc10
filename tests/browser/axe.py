"""axe-core in the browser tests: the WCAG 2.1 A and AA rules run on the page as the browser rendered it.

axe-core is vendored under tests/browser/vendor/ (``npm pack axe-core@4``; its licence beside it), so the tests need
no network. It is injected through Playwright's ``page.evaluate`` (a DevTools evaluation, which the page's Content
Security Policy does not govern): no inline <script> is ever added to the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
    summaries: violation.nodes.map((node) => node.failureSummary || ""),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 AA violations axe finds on ``page`` now: id, impact, help, and each failing node's selector."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical violations: the ones no page may have."""
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict], *, targets: int = 3) -> str:
    """One line per violation, readable in a test failure: rule, impact, what it asks, where (first few nodes)."""
    lines = []
    for violation in violations:
        where = ", ".join(violation["targets"][:targets])
        more = len(violation["targets"]) - targets
        if more > 0:
            where += f" (+{more} more)"
        lines.append(f"  {violation['id']} [{violation['impact']}] {violation['help']}: {where}")
    return "\n".join(lines)


def assert_no_serious_violations(page, *, label: str | None = None) -> None:
    """Fail when axe finds a serious or critical WCAG 2.1 AA violation on ``page``."""
    found = blocking(axe_violations(page))
    assert not found, f"axe on {label or page.url}:\n{describe(found)}"
