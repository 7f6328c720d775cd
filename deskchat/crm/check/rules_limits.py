"""Rate limits: the headers on every response, and 429 with Retry-After past the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from deskchat.crm.check.report import expect
from deskchat.crm.check.session import Session, is_problem

HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def headers_on_responses(session: Session) -> None:
    response = session.get("/queues", limit=1)
    for name in HEADERS:
        value = response.headers.get(name)
        expect(value is not None and value.isdigit(), f"{name} is {value!r}, not a number of requests or seconds")


def too_many_requests(session: Session, burst: int) -> None:
    def one(_: int) -> httpx.Response:
        return session.get("/queues", limit=1)

    limited: httpx.Response | None = None
    sent = 0
    with ThreadPoolExecutor(8) as pool:
        while limited is None and sent < burst:
            for response in pool.map(one, range(min(50, burst - sent))):
                sent += 1
                if response.status_code == 429 and limited is None:
                    limited = response
    expect(limited is not None, f"no 429 within {burst} requests (lower the CRM's limit for this test, or --burst)")
    assert limited is not None
    expect(is_problem(limited, 429), "the 429 is not a problem document")
    retry_after = limited.headers.get("retry-after", "")
    expect(retry_after.isdigit(), f"Retry-After is {retry_after!r}, not seconds")
    expect(limited.headers.get("x-ratelimit-remaining") == "0", "X-RateLimit-Remaining is not 0 on the 429")
    reset = limited.headers.get("x-ratelimit-reset", "")
    expect(reset.isdigit(), f"X-RateLimit-Reset is {reset!r} on the 429")
