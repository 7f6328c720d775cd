"""The CRM server is a separate program: the desktop app never imports it, and the wheel ships the contract."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import deskchat

PACKAGE = Path(deskchat.__file__).parent
ROOT = PACKAGE.parent
SERVER = PACKAGE / "crm" / "server"


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _importers_of_the_server() -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if SERVER not in path.parents
        and any(name == "deskchat.crm.server" or name.startswith("deskchat.crm.server.") for name in _imports_of(path))
    ]


def test_no_module_outside_the_server_imports_it() -> None:
    assert _importers_of_the_server() == []


def test_the_app_and_the_checker_start_without_the_server_stack() -> None:
    """Importing the app's entry point and the checker loads neither the server nor its libraries."""
    probe = (
        "import sys, deskchat.app, deskchat.crm.check.__main__;"
        "bad = [m for m in sys.modules if m.startswith(('deskchat.crm.server', 'starlette', 'uvicorn'))];"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_the_wheel_lists_the_crm_packages_the_contract_and_the_server_extra() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert {"deskchat.crm", "deskchat.crm.check", "deskchat.crm.server"} <= listed
    assert "openapi.yaml" in config["tool"]["setuptools"]["package-data"]["deskchat.crm"]
    extra = " ".join(config["project"]["optional-dependencies"]["crm-server"])
    assert "starlette" in extra and "uvicorn" in extra and "psycopg" in extra
