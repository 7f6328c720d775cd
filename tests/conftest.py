"""Shared fixtures: a private keyring for each test, stores in temporary profiles, and no test that logs an error."""

from __future__ import annotations

import gc
import os
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _import_neonize_quietly() -> None:
    """Importing neonize runs `uname -a` through os.popen and never closes the pipe (neonize.utils.platform): the
    Popen object waits in subprocess._active and its pipe raises a ResourceWarning in whichever later test reaps it.
    Import it once here and reap that process, so no test depends on import order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        import neonize.aioze.events  # noqa: F401

        gc.collect()
        leaked = getattr(subprocess, "_active", None) or []
        for process in list(leaked):
            process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()
            leaked.remove(process)
        gc.collect()


_import_neonize_quietly()

from logfail import fail_on_error_logs  # noqa: E402, F401  (every test fails on a logged error)

from deskchat.paths import Profile  # noqa: E402
from deskchat.store.database import Store  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps entries in memory (the OS vault is the boundary we replace)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def store(profile: Profile) -> Iterator[Store]:
    opened = Store.open(profile)
    yield opened
    opened.close()


pytest_plugins = ["pytester"]
