"""House rules for the code's shape: every app laid out the same way, no oversized module or function.

The README ("Architecture") states the rules; these tests keep them from drifting.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ["accounts", "cases", "registration", "qualification", "notices", "education", "plans", "dashboards", "api"]
SIDES = {"public", "portal", "staff"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_PARAMETERS = 8
#: A function may be longer, or take more parameters, when its docstring says why under this heading.
SIZE_REASON = "Why this size:"


def _app_modules():
    roots = [BASE / app for app in APPS] + [BASE / "ercot_services"]
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("app", APPS)
def test_views_and_forms_are_split_by_side(app):
    """`views/{public,portal,staff}` and `forms/{public,portal,staff}`: a newcomer knows where a page lives."""
    misplaced = []
    for kind in ("views", "forms"):
        if (BASE / app / f"{kind}.py").exists():
            misplaced.append(f"{app}/{kind}.py")
        misplaced += [str(p.relative_to(BASE)) for p in (BASE / app).glob(f"{kind}_*.py")]
        folder = BASE / app / kind
        if folder.is_dir():
            for entry in folder.iterdir():
                name = entry.stem if entry.is_file() else entry.name
                if name not in SIDES | {"__init__", "__pycache__"}:
                    misplaced.append(str(entry.relative_to(BASE)))
    assert misplaced == []


def test_no_module_is_oversized():
    oversized = {
        str(path.relative_to(BASE)): lines
        for path in _app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert oversized == {}


def test_no_function_is_oversized_without_a_reason():
    oversized = []
    for path in _app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
            lines = node.end_lineno - node.lineno + 1
            if (lines > MAX_FUNCTION_LINES or len(params) > MAX_PARAMETERS) and SIZE_REASON not in (
                ast.get_docstring(node) or ""
            ):
                oversized.append(
                    f"{path.relative_to(BASE)}:{node.lineno} {node.name} ({lines} lines, {len(params)} params)"
                )
    assert oversized == []
