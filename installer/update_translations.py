"""Refresh the translation sources from the code and compile them.

Run after changing any visible string:  python installer/update_translations.py
It extracts every ``tr()``/``QCoreApplication.translate()`` string into resources/translations/*.ts (translate new
ones with Qt Linguist: ``pyside6-linguist resources/translations/deskchat_pt_BR.ts``) and compiles the .qm files the
app loads. English is the source language, so it needs no file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("pt_BR",)


def sources() -> list[str]:
    files = sorted((ROOT / "deskchat" / "ui").rglob("*.py")) + [ROOT / "deskchat" / "app.py"]
    return [str(path.relative_to(ROOT)) for path in files]


def tool(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def main() -> int:
    for language in LANGUAGES:
        ts_file = TRANSLATIONS / f"deskchat_{language}.ts"
        subprocess.run([tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-ts", str(ts_file)], cwd=ROOT, check=True)
        subprocess.run([tool("pyside6-lrelease"), str(ts_file)], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
