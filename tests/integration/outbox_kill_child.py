"""Drains a profile's outbox to a fake channel that writes what the customer receives to a file; the kill test
SIGKILLs this process at random moments and starts it again.

Usage: ``python outbox_kill_child.py PROFILE_DIR RECEIVED_FILE PASSPHRASE chosen|own``. Each message the fake
channel receives is appended to RECEIVED_FILE as ``<id>\\t<text>\\n`` and fsynced before the send returns. With
``chosen`` the channel sends under the drainer's id (WhatsApp's server keeps one message per id); with ``own`` it
picks a new id for every send (neonize today).
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.messages import OutboundMessage
from deskchat.paths import Profile
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.store.database import Store


class RecordingChannel:
    def __init__(self, account_id: int, received: Path, chosen_ids: bool) -> None:
        self.account_id = account_id
        self._received = received
        self._chosen_ids = chosen_ids
        self.capabilities = frozenset({Capability.SEND_TEXT} | ({Capability.CHOSEN_IDS} if chosen_ids else set()))

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        channel_id = message.channel_id if self._chosen_ids else "OWN" + uuid.uuid4().hex.upper()
        with self._received.open("a", encoding="utf-8") as phone:
            phone.write(f"{channel_id}\t{message.text}\n")
            phone.flush()
            os.fsync(phone.fileno())
        return SendReceipt(channel_id)

    async def mark_read(self, chat_key: str, channel_ids: object) -> None: ...

    async def download(self, remote_ref: str) -> bytes:
        raise NotImplementedError


async def drain(profile_dir: Path, received: Path, passphrase: str, chosen_ids: bool) -> None:
    store = Store.open(Profile(profile_dir), passphrase=passphrase)
    channels: dict[int, RecordingChannel] = {}

    def account(account_id: int) -> RecordingChannel:
        return channels.setdefault(account_id, RecordingChannel(account_id, received, chosen_ids))

    drainer = OutboxDrainer(store, EventBus(), account, [ChatMessageHandler(store), ChatFileHandler(store)])
    drainer.recover_interrupted()
    while await drainer.drain_once():
        pass
    store.close()


if __name__ == "__main__":
    asyncio.run(drain(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "chosen"))
