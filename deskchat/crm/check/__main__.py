"""``python -m deskchat.crm.check URL --user U --password P``: each rule passed or failed; exit 1 on a failure."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import httpx

from deskchat.crm.check import rules_auth, rules_batch, rules_limits, rules_pulls, rules_writes
from deskchat.crm.check.report import FAILED, PASSED, SKIPPED, RuleFailed, RuleSkipped, Verdict, print_report
from deskchat.crm.check.session import Session


def rules(args: argparse.Namespace) -> list[tuple[str, Callable[[Session], None]]]:
    return [
        ("auth: a token for user and password, 401 for a wrong one", rules_auth.token_for_user_and_password),
        ("auth: Bearer required", rules_auth.bearer_required),
        ("auth: refresh rotates the pair", rules_auth.refresh_rotates),
        ("auth: revoke ends access and refresh tokens", rules_auth.revoke_ends_tokens),
        ("errors are application/problem+json", rules_auth.errors_are_problem_json),
        ("writes need Idempotency-Key (400 without)", rules_writes.key_required),
        ("idempotency: a retry gets the stored response", rules_writes.replay_same_response),
        ("idempotency: the key with another payload gets 422", rules_writes.changed_payload_refused),
        (
            "idempotency: a retry in flight gets 409",
            lambda session: rules_writes.conflict_while_in_flight(session, args.use_faults),
        ),
        ("client ids: a second create of an id gets 409", rules_writes.client_id_is_unique),
        ("ETag / If-Match: 428 without, 412 when stale", rules_writes.etag_and_if_match),
        ("batch: each write under its own key, answered on its own", rules_batch.operations_answered_one_by_one),
        ("cursors: nothing lost or doubled under concurrent writes", rules_pulls.no_loss_under_concurrent_writes),
        ("cursors: nothing lost inside one large write", rules_pulls.no_loss_inside_one_write),
        ("cursors: a changed record comes again", rules_pulls.changed_record_comes_again),
        ("rate limit headers on responses", rules_limits.headers_on_responses),
        ("429 with Retry-After past the limit", lambda session: rules_limits.too_many_requests(session, args.burst)),
    ]


def run(args: argparse.Namespace) -> list[Verdict]:
    session = Session(args.url, args.user, args.password, args.timeout)
    verdicts: list[Verdict] = []
    try:
        for name, rule in rules(args):
            try:
                session.login()  # each rule starts logged in, whatever the one before left behind
                rule(session)
                verdicts.append(Verdict(name, PASSED))
            except RuleSkipped as skipped:
                verdicts.append(Verdict(name, SKIPPED, str(skipped)))
            except RuleFailed as failed:
                verdicts.append(Verdict(name, FAILED, str(failed)))
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
                verdicts.append(Verdict(name, FAILED, f"{type(error).__name__}: {error}"))
    finally:
        session.close()
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskchat.crm.check", description=__doc__)
    parser.add_argument("url", help="the CRM's base URL (the contract lives under URL/api/v1)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--burst", type=int, default=2000, help="requests to send, at most, to reach a 429")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument(
        "--use-faults",
        action="store_true",
        help="the reference server runs with --faults: use its /admin/faults to test 409 in flight",
    )
    verdicts = run(parser.parse_args(argv))
    print_report(verdicts, sys.stdout)
    return 1 if any(verdict.outcome == FAILED for verdict in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
