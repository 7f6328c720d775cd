"""The real neonize client on this machine, which cannot reach WhatsApp: every dial fails with "no such host"."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.connection import is_dial_error
from deskchat.channels.whatsapp.states import WaState
from deskchat.core.supervisor import Backoff


def test_without_internet_the_state_is_offline_retries_are_scheduled_and_stop_is_quick(
    run: Any, recorder: Any, tmp_path: Path
) -> None:
    no_jitter = Backoff(0.2, 0.4, random=lambda: 1.0)
    channel = WhatsAppChannel(1, tmp_path / "wa", recorder.sinks(), backoff=no_jitter)

    async def scenario() -> float:
        await channel.start()
        status = await channel.supervisor.wait_for(WaState.OFFLINE, WaState.WAITING_QR, timeout=30)
        if status.state is WaState.WAITING_QR:
            await channel.stop()
            pytest.skip("this machine reaches WhatsApp")
        assert is_dial_error(status.detail)  # "... lookup web.whatsapp.com ...: no such host"
        # the retry happens: a second real client dials, fails, and the state stays "offline" (no flicker)
        await recorder.wait_for(lambda: len(recorder.log_events("connect_attempt")) >= 2, timeout=10)
        await recorder.wait_for(lambda: len(recorder.log_events("client_ended")) >= 2, timeout=10)
        assert channel.status.state is WaState.OFFLINE
        loop = asyncio.get_running_loop()
        began = loop.time()
        await channel.stop()
        return loop.time() - began

    elapsed = run(scenario())
    assert elapsed < 3.0
    assert channel.status.state is WaState.NOT_CONNECTED
    assert not channel.stuck
    assert recorder.log_events("retry_scheduled")[:2] == ["0.2s", "0.4s"]
    states = [status.state for status in recorder.states]
    assert states[:2] == [WaState.CONNECTING, WaState.OFFLINE]
    assert WaState.CONNECTING not in states[2:]
    if os.name == "posix":
        assert channel.files.path.stat().st_mode & 0o777 == 0o600
