"""Layering rules that keep DeskChat testable: Qt only in the UI, and a package list that ships everything."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import deskchat

PACKAGE = Path(deskchat.__file__).parent
ROOT = PACKAGE.parent
QT_ALLOWED = {PACKAGE / "ui", PACKAGE / "app.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _qt_allowed(path: Path) -> bool:
    return any(path == allowed or allowed in path.parents for allowed in QT_ALLOWED)


def test_pyside6_is_imported_only_by_the_ui_and_app() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if not _qt_allowed(path) and any(name.split(".")[0] in {"PySide6", "qasync"} for name in _imports(path))
    ]
    assert offenders == []


def test_the_check_itself_detects_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(sample)


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed
    assert "deskchat.resources" in listed
