"""Every refusal a service raises names its code (STYLE: error codes are enums, one ``error_codes.py`` per app)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The apps whose services carry codes so far; an app is added here when its services are converted.
APPS_WITH_CODES = ["cases", "registration", "notices", "qualification", "accounts", "plans", "api", "education"]


def _service_files(app: str) -> list[Path]:
    services = ROOT / app / "services"
    return sorted(services.glob("*.py")) if services.is_dir() else [ROOT / app / "services.py"]


def _refusals_without_code(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id == "DomainError":
                if not any(keyword.arg == "code" for keyword in node.exc.keywords):
                    lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("app", APPS_WITH_CODES)
def test_every_domain_error_raised_by_the_apps_services_names_its_code(app):
    missing = {
        str(path.relative_to(ROOT)): lines for path in _service_files(app) if (lines := _refusals_without_code(path))
    }
    assert missing == {}


@pytest.mark.parametrize("app", APPS_WITH_CODES)
def test_the_apps_services_never_raise_a_raw_validation_error(app):
    for path in _service_files(app):
        assert "raise ValidationError" not in path.read_text(), path
