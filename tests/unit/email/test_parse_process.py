"""Bodies are parsed in a separate process: the same results as in the app's own process, a worker that dies costs
nothing but itself, and the worker ends with DeskChat even when DeskChat is killed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import subprocess
import sys
import textwrap

import pytest

from deskchat.channels.email import parse_process
from deskchat.channels.email.bodies import BodyGroup, parse_bodies
from deskchat.channels.email.parse_process import BodyParser
from deskchat.core.sync_steps import MailBody

MAILS = {
    1: b"From: a@b.com.br\r\nSubject: Boleto\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOl\xc3\xa1, segue.\r\n",
    2: (
        b'From: a@b.com.br\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/html\r\n\r\n<p onclick='x()'>Nota <script>alert(1)</script></p>\r\n--b\r\n"
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="../../nota.pdf"\r\n\r\n'
        b"%PDF\r\n--b--\r\n"
    ),
    3: b"\xff\xfe garbage without headers",
}


def _group() -> BodyGroup:
    return BodyGroup("INBOX", 7, {uid: f"m{uid}@cliente.com.br" for uid in MAILS})


def _wait_until_gone(pid: int, timeout_s: float = 20.0) -> bool:
    """True once process ``pid`` has ended (a pidfd becomes readable when it does)."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([descriptor], [], [], timeout_s)
        return bool(readable)
    finally:
        os.close(descriptor)


def test_the_worker_gives_what_the_app_would_parse_itself() -> None:
    parser = BodyParser()
    raw = list(MAILS.items())
    try:
        steps = asyncio.run(parser.parse(1, _group(), raw))
    finally:
        parser.close()
    assert steps == parse_bodies(1, _group(), raw)
    assert all(isinstance(step, MailBody) for step in steps)
    assert "<script" not in steps[1].html and steps[1].attachments[0].file_name == "nota.pdf"


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits for the worker's end with a pidfd (Linux)")
def test_a_killed_worker_is_replaced_and_the_group_still_parsed() -> None:
    parser = BodyParser()

    async def scenario() -> tuple[int, int, int]:
        first = await parser.worker_pid()
        os.kill(first, signal.SIGKILL)
        assert _wait_until_gone(first)
        steps = await parser.parse(1, _group(), list(MAILS.items()))
        return first, await parser.worker_pid(), len(steps)

    try:
        first, second, parsed = asyncio.run(scenario())
    finally:
        parser.close()
    assert second != first
    assert parsed == len(MAILS)


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal is Linux's")
def test_the_worker_ends_when_deskchat_is_killed() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import asyncio, sys
                from deskchat.channels.email.parse_process import BODY_PARSER

                async def main():
                    print(await BODY_PARSER.worker_pid(), flush=True)
                    sys.stdin.read()

                asyncio.run(main())
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the killed app's resource tracker complains of its semaphores
        text=True,
    ) as app:
        assert app.stdout is not None
        worker = int(app.stdout.readline())
        app.kill()  # SIGKILL: no clean-up of its own runs
        app.wait(20)
        assert _wait_until_gone(worker)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits for the worker's end with a pidfd (Linux)")
def test_closing_ends_a_worker_that_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """DeskChat's exit never hangs on its parser: a worker that does not end when its input closes is killed."""
    monkeypatch.setattr(parse_process, "END_WAIT_S", 0.2)
    parser = BodyParser()
    worker = asyncio.run(parser.worker_pid())
    os.kill(worker, signal.SIGSTOP)  # it can no longer read its closed input
    try:
        parser.close()
        assert _wait_until_gone(worker, timeout_s=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
