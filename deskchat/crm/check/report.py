"""Each rule's verdict, and the printed report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True)
class Verdict:
    rule: str
    outcome: str
    detail: str = ""


class RuleFailed(Exception):
    """Raised inside a rule with the reason it failed."""


class RuleSkipped(Exception):
    """Raised inside a rule that cannot be tested against this server."""


def expect(condition: bool, reason: str) -> None:
    if not condition:
        raise RuleFailed(reason)


def print_report(verdicts: list[Verdict], out: TextIO) -> None:
    width = max((len(verdict.rule) for verdict in verdicts), default=0)
    for verdict in verdicts:
        line = f"{verdict.outcome.upper():8} {verdict.rule:{width}}"
        if verdict.detail:
            line += f"  — {verdict.detail}"
        print(line.rstrip(), file=out)
    counts = {kind: sum(1 for v in verdicts if v.outcome == kind) for kind in (PASSED, FAILED, SKIPPED)}
    total = len(verdicts)
    print(f"{counts[PASSED]} of {total} rules passed ({counts[FAILED]} failed, {counts[SKIPPED]} skipped)", file=out)
