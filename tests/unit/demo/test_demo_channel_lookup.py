"""In --demo, 'Nova conversa' reaches any valid number or address, keyed as a real chat or mailbox would be."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from deskchat.channels.base import Capability
from deskchat.channels.demo import DemoChannel
from deskchat.core.events import DeliveryState


async def _no_receipts(_account: int, _ids: Sequence[str], _state: DeliveryState) -> int:
    return 0


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("+5511987654321", "5511987654321@s.whatsapp.net"),
        ("+551187654321", "5511987654321@s.whatsapp.net"),  # the old 8-digit form: one chat per line
        ("Ana@Empresa.com.br", "ana@empresa.com.br"),
        ("12345", None),
        ("ana@empresa", None),
    ],
)
def test_the_demo_channel_reaches_every_valid_number_and_address(typed: str, key: str | None) -> None:
    channel = DemoChannel(1, _no_receipts)
    assert Capability.LOOKUP in channel.capabilities
    assert asyncio.run(channel.lookup(typed)) == key
