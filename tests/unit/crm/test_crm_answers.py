"""Every CRM answer is classified into what the outbox does with it; Retry-After is read in both forms, clamped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from deskchat.crm.answers import (
    CrmConflict,
    CrmError,
    CrmRefused,
    CrmRetry,
    CrmUnauthorized,
    check_status,
    json_object,
    retry_after_seconds,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def answer(status: int, body: bytes = b"{}", **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/json", **headers})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (408, CrmRetry),
        (409, CrmRetry),
        (425, CrmRetry),
        (429, CrmRetry),
        (500, CrmRetry),
        (502, CrmRetry),
        (503, CrmRetry),
        (400, CrmRefused),
        (403, CrmRefused),
        (404, CrmRefused),
        (410, CrmRefused),
        (413, CrmRefused),
        (422, CrmRefused),
        (412, CrmConflict),
        (401, CrmUnauthorized),
    ],
)
def test_each_status_means_retry_park_conflict_or_sign_in(status: int, expected: type[CrmError]) -> None:
    with pytest.raises(expected):
        check_status(answer(status))


def test_a_refusal_says_why_in_portuguese() -> None:
    with pytest.raises(CrmRefused, match="recusou os dados enviados"):
        check_status(answer(422))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        ("0", 1.0),
        ("86400", 3600.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(days=1), usegmt=True), 1.0),
        (format_datetime(NOW + timedelta(days=30), usegmt=True), 3600.0),
        ("amanhã", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date_and_clamped(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<!DOCTYPE html><html>portal</html>", "text/html"),
        (b'{"id": "abc', "application/json"),
        (b"[]", "application/json"),
    ],
)
def test_a_200_that_is_not_a_json_object_is_retried_never_done(body: bytes, content_type: str) -> None:
    with pytest.raises(CrmRetry):
        json_object(httpx.Response(200, content=body, headers={"content-type": content_type}))
