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


def _modules_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*.py") if "__pycache__" not in path.parts]


def _offenders(folder: Path, forbidden: set[str], *, skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in _modules_under(folder):
        if path.name.startswith(skip):
            continue
        bad = sorted(name for name in _imports(path) if any(name == f or name.startswith(f + ".") for f in forbidden))
        if bad:
            found.append(f"{path.relative_to(ROOT)}: {', '.join(bad)}")
    return found


def test_the_ui_runs_no_sql_of_its_own() -> None:
    """All SQL lives in deskchat/store; the window reads through the store's functions."""
    assert _offenders(PACKAGE / "ui", {"sqlalchemy", "sqlcipher3", "sqlite3"}) == []


def test_channels_never_touch_the_store_or_the_window() -> None:
    assert _offenders(PACKAGE / "channels", {"deskchat.store", "deskchat.services", "deskchat.ui", "sqlalchemy"}) == []


def test_core_is_pure() -> None:
    """The domain imports no I/O layer: no store, channels, services, window or database library."""
    forbidden = {"deskchat.store", "deskchat.channels", "deskchat.services", "deskchat.ui", "sqlalchemy", "httpx"}
    assert _offenders(PACKAGE / "core", forbidden) == []


def test_generic_services_know_no_channel_library() -> None:
    """Only a channel's own driver modules (``whatsapp_*``) may import its adapter; everything else is neutral."""
    forbidden = {"deskchat.channels.whatsapp", "neonize", "imapclient", "deskchat.channels.email"}
    assert _offenders(PACKAGE / "services", forbidden, skip=("whatsapp", "email")) == []


def test_the_store_imports_no_channel_service_or_window() -> None:
    assert _offenders(PACKAGE / "store", {"deskchat.channels", "deskchat.services", "deskchat.ui"}) == []


def test_the_matrix_check_detects_an_offender(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("from sqlalchemy import select\nimport deskchat.store.messages\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _offenders(tmp_path, {"sqlalchemy", "deskchat.store"}) == [
            "module.py: deskchat.store.messages, sqlalchemy"
        ]
    finally:
        ROOT = saved


def _sqlalchemy_names(path: Path) -> set[str]:
    """What a module takes from SQLAlchemy or the store's table definitions (the building blocks of SQL)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "sqlalchemy" or node.module == "deskchat.store.schema":
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.split(".")[0] == "sqlalchemy")
    return names


def test_all_sql_lives_in_the_store() -> None:
    """Services receive a connection (a transaction's scope) and hand it to store functions; they build no SQL."""
    offenders = [
        f"{path.relative_to(ROOT)}: {', '.join(sorted(names))}"
        for path in _modules_under(PACKAGE / "services")
        if (names := _sqlalchemy_names(path) - {"sqlalchemy.Connection"})
    ]
    assert offenders == []


def test_the_sql_check_detects_a_query(tmp_path: Path) -> None:
    sample = tmp_path / "service.py"
    sample.write_text("from sqlalchemy import Connection, select\nfrom deskchat.store.schema import messages\n")
    assert _sqlalchemy_names(sample) == {
        "sqlalchemy.Connection",
        "sqlalchemy.select",
        "deskchat.store.schema.messages",
    }


#: Calls that read the wall clock, by their dotted name's tail (``time.time()``, ``datetime.datetime.now(UTC)``…).
_CLOCK_CALLS = (
    "now_ms",
    "time.time",
    "time.time_ns",
    "datetime.now",
    "datetime.utcnow",
    "datetime.today",
    "date.today",
)
#: Names whose import alone means the clock is read here (``from deskchat.store.clock import now_ms``).
_CLOCK_NAMES = {"now_ms", "time", "time_ns"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _clock_reads(path: Path) -> list[str]:
    """Where a module reads the wall clock itself: calls such as ``now_ms()`` and imports of the clock's functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if any(name == tail or name.endswith("." + tail) for tail in _CLOCK_CALLS):
                found.append(f"{path.name}:{node.lineno}: {name}()")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] in {"time", "clock"}:
            found += [f"{path.name}:{node.lineno}: imports {a.name}" for a in node.names if a.name in _CLOCK_NAMES]
    return found


def test_only_the_store_clock_reads_the_time() -> None:
    """Store writers take ``now`` from their caller (a fake clock in tests); only store/clock.py reads the clock."""
    offenders = [
        read
        for path in _modules_under(PACKAGE / "store")
        if path != PACKAGE / "store" / "clock.py"
        for read in _clock_reads(path)
    ]
    assert offenders == []
    assert _clock_reads(PACKAGE / "store" / "clock.py") != []  # the check sees the one module allowed to read it


def test_the_clock_check_detects_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "writer.py"
    sample.write_text(
        "import time\n"
        "import datetime as dt\n"
        "from datetime import UTC, datetime\n"
        "from deskchat.store.clock import now_ms, to_datetime\n"
        "def write(conn, at):\n"
        "    conn.execute('INSERT', (now_ms(), time.time(), datetime.now(UTC), dt.datetime.now(), to_datetime(at)))\n",
        encoding="utf-8",
    )
    assert _clock_reads(sample) == [
        "writer.py:4: imports now_ms",
        "writer.py:6: now_ms()",
        "writer.py:6: time.time()",
        "writer.py:6: datetime.now()",
        "writer.py:6: dt.datetime.now()",
    ]
    sample.write_text("def write(conn, now: int) -> None:\n    conn.execute('INSERT', (now,))\n", encoding="utf-8")
    assert _clock_reads(sample) == []
