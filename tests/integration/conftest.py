"""Real servers for the integration tests, started once per test session on free loopback ports."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailstack import MailStack, running_mail_stack


@pytest.fixture(scope="session")
def mail_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailStack]:
    if shutil.which("dovecot") is None:
        pytest.fail("Dovecot is not installed: run the README's test command (bash tests/install-and-run.sh)")
    with running_mail_stack(Path(tmp_path_factory.mktemp("mail"))) as stack:
        yield stack
