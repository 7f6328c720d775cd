"""The suite's guard: a test that logs an error fails, unless it is marked as expecting it."""

from __future__ import annotations

import pytest

INI = """
[pytest]
markers =
    allow_error_logs: expects errors
"""

TESTS = """
import logging

import pytest


def test_logs_an_error():
    logging.getLogger("deskchat.store").error("could not write")


def test_a_library_logs_an_error():
    logging.getLogger("qasync").error("Task was destroyed but it is pending!")


def test_logs_a_warning():
    logging.getLogger("deskchat.store").warning("slow write")


@pytest.mark.allow_error_logs
def test_expects_an_error(caplog):
    logging.getLogger("deskchat.wa").error("parked")
    assert "parked" in caplog.text


@pytest.fixture
def noisy_teardown():
    yield
    logging.getLogger("deskchat.app").critical("while tearing down")


def test_a_fixture_logs_in_its_teardown(noisy_teardown):
    pass
"""


@pytest.mark.allow_error_logs  # the inner run's records reach this test's root logger too
def test_an_error_logged_during_a_test_fails_it(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makeconftest("from logfail import fail_on_error_logs  # noqa: F401")
    pytester.makepyfile(test_guarded=TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--strict-markers")
    # the guard fails in its teardown: a test that logged an error is reported as an error, whatever its body did
    result.assert_outcomes(passed=5, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*errors were logged during the test*",
            "ERROR test_guarded.py::test_logs_an_error - Failed: errors were logged*",
            "ERROR test_guarded.py::test_a_library_logs_an_error - Failed: errors were*",
            "ERROR test_guarded.py::test_a_fixture_logs_in_its_teardown - Failed: errors*",
        ],
        consecutive=False,
    )
    assert "test_logs_a_warning - Failed" not in result.stdout.str()
    assert "test_expects_an_error - Failed" not in result.stdout.str()
