"""Child process of the kill test: the real WhatsApp adapter on a real SQLCipher store.

``feed PROFILE ROUND COUNT``: start the adapter, push COUNT messages through neonize's own dispatch from one thread
(as Go does) and append each id to ``acked.txt`` once its callback returned (what WhatsApp would be told), then wait
to be killed. ``drain PROFILE``: start the adapter without feeding, let the spool drain, print the figures, exit.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "whatsapp"))

import neonize.aioze.events as neonize_events
from neonize.events import EVENT_TO_INT
from wa_factory import NoDialClient, message_event, text

from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.core.bus import EventBus
from deskchat.paths import Profile
from deskchat.services.inbound_spool import InboundSpool
from deskchat.services.ingest import IngestService
from deskchat.store import accounts, spool
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

PASSPHRASE = "kill-test passphrase"


def _feed(client: object, round_no: int, count: int, acked_path: Path) -> None:
    code = EVENT_TO_INT[type(message_event("x", text("x")))]
    fd = os.open(acked_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for index in range(count):
        message_id = f"K{round_no}-{index}"
        data = message_event(message_id, text(f"mensagem {index}")).SerializePartialToString()
        buffer = ctypes.create_string_buffer(data, len(data))
        client.event.execute(b"uuid", ctypes.addressof(buffer), len(data), code)  # type: ignore[attr-defined]
        os.write(fd, f"{message_id}\n".encode())  # the callback returned: WhatsApp would get its ack now
        if index == 0:
            print("feeding", flush=True)
    print("fed", flush=True)


async def main(mode: str, profile_dir: Path, round_no: int, count: int) -> None:
    store = Store.open(Profile(profile_dir), passphrase=PASSPHRASE)
    bus = EventBus()
    ingest = IngestService(store, bus)
    inbound = InboundSpool(store, bus)
    rows = store.write_now(accounts.list_accounts)
    account_id = (
        rows[0].id
        if rows
        else store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "K", now=now_ms()))
    )
    sinks = WhatsAppSinks(
        on_messages=ingest.ingest,
        spool_append=inbound.append,
        spool_pending=inbound.pending,
        spool_remove=inbound.remove,
        dead_letter=inbound.dead_letter,
    )
    neonize_events.event_global_loop = asyncio.get_running_loop()
    channel = WhatsAppChannel(account_id, profile_dir / "wa", sinks, client_class=NoDialClient, first_retry_s=3600)
    await channel.start()
    if mode == "feed":
        feeder = threading.Thread(target=_feed, args=(channel.client, round_no, count, profile_dir / "acked.txt"))
        feeder.start()
        await asyncio.Event().wait()  # until SIGKILL
    while True:
        await channel.pipeline.join()
        left = await store.read_later(lambda conn: spool.count(conn, account_id))
        if not left and not channel.pipeline.pending:
            break
        await asyncio.sleep(0.05)
    await channel.stop()
    inbound.close()
    store.close()
    print("drained", flush=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    asyncio.run(
        main(
            arguments[0],
            Path(arguments[1]),
            int(arguments[2]) if len(arguments) > 2 else 0,
            int(arguments[3]) if len(arguments) > 3 else 0,
        )
    )
