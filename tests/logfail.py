"""Fail a test that logged an error (qutebrowser's tests/helpers/logfail.py is the model).

Used by tests/conftest.py for the whole suite. A test that expects errors says so with
``@pytest.mark.allow_error_logs`` and checks the records it expects itself (``caplog``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class ErrorLogCollector(logging.Handler):
    """Keeps every record at ERROR or above that reaches the root logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_error_logs(request: pytest.FixtureRequest) -> Iterator[ErrorLogCollector]:
    """A test fails when anything (a ``deskchat.*`` logger or a library's) logged an error during it, from its
    fixtures' set-up to their teardown, unless it is marked ``@pytest.mark.allow_error_logs`` (then it should
    check the records it expects, e.g. with ``caplog``)."""
    collector = ErrorLogCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
    if collector.records and request.node.get_closest_marker("allow_error_logs") is None:
        logged = "\n".join(f"{record.levelname} {record.name}: {record.getMessage()}" for record in collector.records)
        pytest.fail(f"errors were logged during the test (mark it allow_error_logs if it expects them):\n{logged}")
