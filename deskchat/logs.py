"""Logging: a rotating file in the profile and, with --verbose, the terminal. Secrets are never logged."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from deskchat.paths import make_private_dir, make_private_file


_FILE_HANDLER = "deskchat.file"
_CONSOLE_HANDLER = "deskchat.console"
_OUR_HANDLERS = (_FILE_HANDLER, _CONSOLE_HANDLER)


def configure_logging(log_dir: Path | None, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if handler.get_name() in _OUR_HANDLERS:  # set up again: replace ours, leave others' (a test runner's)
            root.removeHandler(handler)
            handler.close()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_dir is not None:
        make_private_dir(log_dir)
        log_file = make_private_file(log_dir / "deskchat.log")
        file_handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3)
        file_handler.setFormatter(formatter)
        file_handler.set_name(_FILE_HANDLER)
        root.addHandler(file_handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(formatter)
    console.set_name(_CONSOLE_HANDLER)
    root.addHandler(console)
