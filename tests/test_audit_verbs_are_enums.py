"""Every audit verb an app writes is a member of its ``events.py`` enum (STYLE: event names are enums)."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_EVENTS = {
    "accounts": "AccountEvent",
    "cases": "CaseEvent",
    "notices": "NoticeEvent",
    "plans": "PlanEvent",
    "qualification": "QualificationEvent",
    "registration": "RegistrationEvent",
    "api": "ApiEvent",
    "education": "EducationEvent",
}


def _enum_typed_verb(function, enum_name: str) -> bool:
    """The function takes ``verb`` annotated as the app's enum: its callers are checked instead (every ``verb=``)."""
    return function is not None and any(
        arg.arg == "verb" and getattr(arg.annotation, "id", None) == enum_name for arg in function.args.kwonlyargs
    )


def _verb_expressions(app: str, enum_name: str):
    """(file, line, expression) of each ``verb=`` given to a call in the app (migrations aside).

    ``verb=verb`` inside a function whose ``verb`` parameter is typed as the enum passes a member along: skipped, as
    its callers' ``verb=`` are checked themselves.
    """
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "verb":
                    continue
                enclosing = next(
                    (f for f in functions if f.lineno <= node.lineno <= f.end_lineno and node in ast.walk(f)), None
                )
                if isinstance(keyword.value, ast.Name) and _enum_typed_verb(enclosing, enum_name):
                    continue
                yield path.relative_to(ROOT), node.lineno, keyword.value


def _enum_members(expression) -> list[str]:
    """The ``Enum.MEMBER`` names an expression uses (both branches of a conditional)."""
    if isinstance(expression, ast.IfExp):
        return _enum_members(expression.body) + _enum_members(expression.orelse)
    if isinstance(expression, ast.Attribute) and isinstance(expression.value, ast.Name):
        return [f"{expression.value.id}.{expression.attr}"]
    return [ast.dump(expression)]


@pytest.mark.parametrize("app", sorted(APP_EVENTS))
def test_every_verb_the_app_writes_is_a_member_of_its_events_enum(app):
    enum_name = APP_EVENTS[app]
    enum = getattr(importlib.import_module(f"{app}.events"), enum_name)
    wrong = []
    for path, line, expression in _verb_expressions(app, enum_name):
        for used in _enum_members(expression):
            owner, _, member = used.partition(".")
            if owner != enum_name or member not in enum.__members__:
                wrong.append(f"{path}:{line} {used}")
    assert wrong == []


def test_the_stored_verb_values_are_unchanged():
    from cases.events import CaseEvent
    from registration.events import RegistrationEvent

    assert CaseEvent.CASE_STATUS_CHANGED == "case.status_changed"
    assert RegistrationEvent.APPLICATION_SUBMITTED == "application.submitted"
