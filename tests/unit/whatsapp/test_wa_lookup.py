"""'Nova conversa' asks the adapter whether a typed number is on WhatsApp (the network call is neonize's
``is_on_whatsapp``, answered by a client that does not dial)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from wa_factory import CUSTOMER, LEGACY_CUSTOMER, jid
from wa_harness import Harness, SendingClient

from deskchat.channels.base import Capability, ChannelUnavailable
from deskchat.core.messages import OutboundMessage
from deskchat.services.whatsapp_accounts import _RealHandle
from deskchat.store.database import Store

NOT_ON_WHATSAPP = "+5521912345678"


@pytest.fixture
def harness(real_store: Store, recorder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    answer = SendingClient.is_on_whatsapp

    async def is_on_whatsapp(self: SendingClient, *numbers: str) -> list[Any]:
        if numbers[0] == NOT_ON_WHATSAPP:
            self.sent.append(("is_on_whatsapp", numbers))
            return [N.IsOnWhatsAppResponse(Query=numbers[0], JID=jid(""), IsIn=False)]
        return list(await answer(self, *numbers))

    monkeypatch.setattr(SendingClient, "is_on_whatsapp", is_on_whatsapp)
    made = Harness(real_store, recorder, tmp_path)
    yield made
    made.spool.close()


def _asked(client: Any) -> list[Any]:
    return [call for call in client.sent if call[0] == "is_on_whatsapp"]


def test_a_typed_number_gets_its_canonical_chat_key_and_the_first_send_goes_to_whatsapps_jid(
    run: Any, harness: Harness
) -> None:
    handle = _RealHandle(harness.channel)
    assert Capability.LOOKUP in handle.capabilities

    async def scenario() -> tuple[str | None, Any]:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        chat_key = await handle.lookup("+" + CUSTOMER)
        assert chat_key is not None
        await harness.channel.send(OutboundMessage(harness.account_id, chat_key, "k1", "Olá"))
        client = harness.channel.client
        await harness.channel.stop()
        return chat_key, client

    chat_key, client = run(scenario())
    assert chat_key == f"{CUSTOMER}@s.whatsapp.net"  # the conversation's key keeps the 9th digit
    assert _asked(client) == [("is_on_whatsapp", ("+" + CUSTOMER,))]  # asked once: the answer is kept for sending
    to, message = next(call for call in client.sent if call[0] != "is_on_whatsapp")
    assert (to.User, message.conversation) == (LEGACY_CUSTOMER, "Olá")  # the JID WhatsApp itself uses


def test_a_number_not_on_whatsapp_has_no_chat_key(run: Any, harness: Harness) -> None:
    async def scenario() -> str | None:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        found = await harness.channel.lookup(NOT_ON_WHATSAPP)
        await harness.channel.stop()
        return found

    assert run(scenario()) is None


def test_without_a_connection_the_lookup_says_the_channel_is_unavailable(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        with pytest.raises(ChannelUnavailable):
            await harness.channel.lookup("+" + CUSTOMER)

    run(scenario())
