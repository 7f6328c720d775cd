"""Command-line options (no Qt here, so ``--version`` and ``--help`` answer at once)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from deskchat import __version__


@dataclass(frozen=True)
class Options:
    profile: Path | None
    demo: bool
    self_test: bool
    language: str | None
    verbose: bool


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="deskchat",
        description="DeskChat: WhatsApp, e-mail and the company CRM in one window.",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="use another profile directory")
    parser.add_argument(
        "--demo", action="store_true", help="open a throwaway profile full of sample data (deleted on exit)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open a store and build the main window offscreen, then exit 0 (used by installers)",
    )
    parser.add_argument("--lang", choices=("pt_BR", "en"), help="interface language (default: pt_BR)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages to the terminal")
    parser.add_argument("--version", action="version", version=f"DeskChat {__version__}")
    args = parser.parse_args(argv)
    return Options(
        profile=args.profile,
        demo=args.demo,
        self_test=args.self_test,
        language=args.lang,
        verbose=args.verbose,
    )
