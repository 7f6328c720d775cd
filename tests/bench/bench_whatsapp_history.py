"""WhatsApp history sync: 50,000 messages through the adapter into the encrypted store.

    python tests/bench/bench_whatsapp_history.py [chats] [messages_per_chat] [--no-tuning]

Builds one ``HistorySyncEv`` of 500 chats × 100 messages (60 % text, 25 % extendedText quoting an earlier message,
15 % image with a 3 KB thumbnail), hands it to the adapter the way Go does (``Event.execute`` on another thread, so
neonize's own parse is included), and lets the adapter translate it in chunks and store it through the real
IngestService into a real SQLCipher store. A ticker task on the loop records the longest gap between its wake-ups.

Targets (printed, not asserted): under 5 s in total, worst event-loop stall under 50 ms.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import neonize.aioze.events as neonize_events  # noqa: E402
from neonize.events import EVENT_TO_INT  # noqa: E402
from neonize.proto import Neonize_pb2 as N  # noqa: E402
from neonize.proto.waCommon.WACommon_pb2 import MessageKey  # noqa: E402
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E  # noqa: E402
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS  # noqa: E402
from neonize.proto.waWeb import WAWebProtobufsWeb_pb2 as W  # noqa: E402

from deskchat.channels.whatsapp import translate  # noqa: E402
from deskchat.channels.whatsapp.client import WhatsAppChannel  # noqa: E402
from deskchat.channels.whatsapp.neonize_client import DeskChatClient  # noqa: E402
from deskchat.channels.whatsapp.sinks import WhatsAppSinks  # noqa: E402
from deskchat.core.bus import EventBus  # noqa: E402
from deskchat.paths import Profile  # noqa: E402
from deskchat.services.ingest import IngestService  # noqa: E402
from deskchat.store import accounts, messages  # noqa: E402
from deskchat.store.clock import now_ms  # noqa: E402
from deskchat.store.database import Store  # noqa: E402
from deskchat.tuning import tune_for_responsiveness  # noqa: E402

TARGET_TOTAL_S = 5.0
TARGET_STALL_MS = 50.0
TICK_S = 0.001
THUMBNAIL = bytes(range(256)) * 12  # 3 KB


class BenchClient(DeskChatClient):
    """The real client without the network dial (the benchmark measures parsing, translating and storing)."""

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        self.loop = asyncio.get_running_loop()
        neonize_events.set_event_loop(self.loop)
        self._end: asyncio.Future[None] = self.loop.create_future()
        self.connect_task = self.loop.create_task(self._run())
        return self.connect_task

    async def _run(self) -> None:
        await self._end

    async def stop(self) -> None:
        await super().stop()
        if not self._end.done():
            self._end.set_result(None)


def build_history(chats: int, per_chat: int) -> Any:
    """One HistorySync event; every third chat is keyed by LID with its phone number alongside."""
    conversations = []
    base_s = 1_700_000_000
    for c in range(chats):
        phone = f"55119{c:08d}"
        chat_jid = f"{phone}@s.whatsapp.net"
        lid_jid = f"2000000{c:08d}@lid"
        key_jid = lid_jid if c % 3 == 0 else chat_jid
        items = []
        for m in range(per_chat):
            message_id = f"3EB0{c:05d}{m:05d}"
            roll = m % 20
            if roll < 12:
                content = E2E.Message(conversation=f"mensagem {m} do cliente {c} sobre o pedido")
            elif roll < 17:
                quoted = f"3EB0{c:05d}{max(m - 1, 0):05d}"
                context = E2E.ContextInfo(
                    stanzaID=quoted, participant=chat_jid, quotedMessage=E2E.Message(conversation="pergunta anterior")
                )
                content = E2E.Message(
                    extendedTextMessage=E2E.ExtendedTextMessage(text=f"resposta {m}", contextInfo=context)
                )
            else:
                content = E2E.Message(
                    imageMessage=E2E.ImageMessage(
                        caption=f"foto {m}",
                        mimetype="image/jpeg",
                        directPath=f"/v/t62/{c}/{m}",
                        mediaKey=b"k" * 32,
                        fileSHA256=b"s" * 32,
                        fileEncSHA256=b"e" * 32,
                        fileLength=150_000,
                        JPEGThumbnail=THUMBNAIL,
                    )
                )
            from_me = m % 2 == 1
            items.append(
                HS.HistorySyncMsg(
                    message=W.WebMessageInfo(
                        key=MessageKey(remoteJID=key_jid, fromMe=from_me, ID=message_id),
                        message=content,
                        messageTimestamp=base_s + c * 1000 + m,
                        status=W.WebMessageInfo.READ if from_me else W.WebMessageInfo.DELIVERY_ACK,
                        pushName="" if from_me else f"Cliente {c}",
                    ),
                    msgOrderID=m,
                )
            )
        conversations.append(
            HS.Conversation(ID=key_jid, pnJID=chat_jid, lidJID=lid_jid, name=f"Cliente {c}", messages=items)
        )
    data = HS.HistorySync(
        syncType=HS.HistorySync.INITIAL_BOOTSTRAP, conversations=conversations, chunkOrder=1, progress=100
    )
    return N.HistorySync(Data=data)


def deliver_from_go_thread(client: Any, payload: bytes, code: int) -> threading.Thread:
    """Call neonize's ``Event.execute`` from another thread with a ctypes buffer, as the Go callback does."""

    def go_callback() -> None:
        buffer = ctypes.create_string_buffer(payload, len(payload))
        client.event.execute(client.uuid, ctypes.addressof(buffer), len(payload), code)

    thread = threading.Thread(target=go_callback, name="go-callback")
    thread.start()
    return thread


class Ticker:
    """Asks to run every TICK_S and records how late each wake-up was."""

    def __init__(self) -> None:
        self.gaps_ms: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.gaps_ms.append((now - last) * 1000)
            last = now

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def run(chats: int, per_chat: int, workdir: Path, *, freeze: bool = True) -> None:
    payload = build_history(chats, per_chat).SerializePartialToString()
    total = chats * per_chat
    parse_s = min(_timed(lambda: N.HistorySync.FromString(payload)) for _ in range(3))
    translate_s = _timed(lambda: _translate_all(payload)) - parse_s
    gc.collect()  # the measured run starts without the objects built above, as in the app
    if freeze:
        # The app's own tuning (1 ms GIL switch, gc.freeze), applied after neonize is imported: its protobuf
        # descriptors alone are ~70,000 objects, and every full collection would walk them (~50 ms here).
        tune_for_responsiveness()
    print(f"history blob: {len(payload) / 1e6:.1f} MB, {total:,} messages in {chats} chats")
    print(f"  one-piece FromString of the blob: {parse_s * 1000:.0f} ms warm (neonize would do it on the Go thread,")
    print("    holding the GIL; the adapter takes the bytes and parses one conversation at a time instead)")
    print(f"  translation alone, without storing: {translate_s * 1000:.0f} ms")

    store = Store.open(Profile(workdir / "profile"), ephemeral=True)
    try:
        account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Bench", now=now_ms()))
        ingest = IngestService(store, EventBus())
        ingest_times: list[float] = []

        async def timed_ingest(batch: Any) -> object:
            began = time.perf_counter()
            result = await ingest.ingest(batch)
            ingest_times.append(time.perf_counter() - began)
            return result

        channel = WhatsAppChannel(
            account_id,
            workdir / "wa",
            WhatsAppSinks(on_messages=timed_ingest),
            client_class=BenchClient,
            first_retry_s=3600,
        )
        await channel.start()
        ticker = Ticker()
        ticker.start()
        await asyncio.sleep(0.05)  # let the ticker settle before the clock starts
        began = time.perf_counter()
        thread = deliver_from_go_thread(channel.client, payload, EVENT_TO_INT[N.HistorySync])
        await channel.pipeline.wait_received(1, timeout=60)
        assert await channel.pipeline.join(timeout=600)
        elapsed = time.perf_counter() - began
        await ticker.stop()
        thread.join()
        await channel.stop()
        with store.read() as conn:
            stored = sum(
                messages.count_in_conversation(conn, cid)
                for (cid,) in conn.exec_driver_sql("SELECT id FROM conversations").fetchall()
            )
    finally:
        store.close()

    worst = max(ticker.gaps_ms) - TICK_S * 1000 if ticker.gaps_ms else float("nan")
    late = sorted(gap - TICK_S * 1000 for gap in ticker.gaps_ms)
    p99 = late[int(len(late) * 0.99)] if late else float("nan")
    print(f"stored: {stored:,} messages ({'all' if stored == total else 'MISSING SOME'})")
    print(
        f"ingest calls: {len(ingest_times)}, median {statistics.median(ingest_times) * 1000:.0f} ms, "
        f"max {max(ingest_times) * 1000:.0f} ms (store writes run on the writer thread)"
    )
    print(
        f"total: {elapsed:.2f} s — {total / elapsed:,.0f} messages/s — target < {TARGET_TOTAL_S:.0f} s: "
        f"{'meets' if elapsed < TARGET_TOTAL_S else 'MISSES'}"
    )
    print(
        f"worst event-loop stall: {worst:.1f} ms (p99 {p99:.1f} ms, {len(late)} ticks) — target < "
        f"{TARGET_STALL_MS:.0f} ms: {'meets' if worst < TARGET_STALL_MS else 'MISSES'}"
    )


def _translate_all(payload: bytes) -> int:
    data = N.HistorySync.FromString(payload).Data
    return sum(len(chunk.messages) for chunk in translate.history_chunks(data, 1))


def _timed(work: Any) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    freeze = "--no-tuning" not in sys.argv
    chats = int(args[0]) if args else 500
    per_chat = int(args[1]) if len(args) > 1 else 100
    print(f"app tuning (gc.freeze, 1 ms GIL switch) after neonize is imported: {'yes' if freeze else 'no'}")
    with tempfile.TemporaryDirectory(prefix="deskchat-wa-bench-") as workdir:
        asyncio.run(run(chats, per_chat, Path(workdir), freeze=freeze))


if __name__ == "__main__":
    main()
