"""Content Security Policy violations and console errors seen by a browser context, collected in Python.

An init script listens for ``securitypolicyviolation`` in every document of the context and keeps each violation in
``window.__cspViolations`` (for a look from the page) and hands it to Python at once, so none is lost when the page
navigates away. The test settings enforce the policy, so a violation is something the page could not do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = {
    page: location.pathname + location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  };
  window.__cspViolations.push(violation);
  if (window.__reportCspViolation) window.__reportCspViolation(violation);
});
"""


@dataclass
class BrowserProblems:
    violations: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def watch(context) -> BrowserProblems:
    """Collect the CSP violations and console errors of every page of ``context`` (call before opening pages)."""
    problems = BrowserProblems()
    context.expose_function("__reportCspViolation", lambda violation: problems.violations.append(violation))
    context.add_init_script(LISTENER)
    context.on(
        "console",
        lambda message: (
            problems.console_errors.append(f"{message.location.get('url')}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    return problems
