"""Hostile WhatsApp events, built byte by byte where the value cannot be built otherwise, pushed through neonize's
own dispatch into a real store: what the attendant sees is always sane, and one bad event never costs its
batch-mates."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import keyring
import pytest
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from wa_factory import document, history_event, history_message, jid, message_event, reaction, text
from wa_harness import Harness

from deskchat.channels.whatsapp.memory import PendingByTarget
from deskchat.paths import Profile
from deskchat.store import conversations, messages, spool
from deskchat.store.database import Store

OTHER = "5521998765432"
INTRUDER = "5531991112222"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def harness(real_store: Store, recorder: Any, tmp_path: Path) -> Harness:
    return Harness(real_store, recorder, tmp_path)


def _patched(event: Any, replacements: dict[bytes, bytes]) -> bytes:
    """``event`` serialised, with marker bytes replaced by hostile ones of the same length (lengths stay right)."""
    data = event.SerializePartialToString()
    for marker, hostile in replacements.items():
        assert len(marker) == len(hostile) and marker in data
        data = data.replace(marker, hostile)
    return data


def _deliver_raw(client: Any, data: bytes, code: int) -> None:
    """What Go does: ``Event.execute`` on its own thread with a ctypes buffer (neonize parses the bytes)."""

    def go_callback() -> None:
        buffer = ctypes.create_string_buffer(data, len(data))
        client.event.execute(client.uuid, ctypes.addressof(buffer), len(data), code)

    thread = threading.Thread(target=go_callback, name="fake-go-callback")
    thread.start()
    thread.join()


async def _feed_raw(harness: Harness, *items: tuple[bytes, int]) -> None:
    before = harness.channel.pipeline.received
    for data, code in items:
        _deliver_raw(harness.channel.client, data, code)
    await harness.channel.pipeline.wait_received(before + len(items), timeout=30)
    assert await harness.channel.pipeline.join(timeout=60)


MESSAGE = EVENT_TO_INT[N.Message]
HISTORY = EVENT_TO_INT[N.HistorySync]


def _bad_text_and_name() -> bytes:
    event = message_event("BAD-UTF8", text("Oi TEXTMARKER fim"), push_name="NAMEMARK")
    return _patched(event, {b"TEXTMARKER": b"\xff\xfe\xed\xa0\x80\x00\xc3(\x00!", b"NAMEMARK": b"Jo\xe3o\x00\xff\xfe!"})


def _bad_file_name() -> bytes:
    event = message_event("BAD-FILE", document("FILEMARKER.pdf"))
    return _patched(event, {b"FILEMARKER": b"fatura\xff\xfe\x00x"})


def _huge_file() -> bytes:
    content = document("grande.pdf")
    content.documentMessage.fileLength = 2**64 - 1
    return message_event("HUGE", content).SerializePartialToString()


def _far_future() -> bytes:
    return message_event("FUTURE", text("do futuro"), timestamp_ms=2**62).SerializePartialToString()


def _empty_user_chat() -> bytes:
    event = message_event("NOUSER", text("sem usuário"), chat=jid("", "lid"), sender=jid("", "lid"))
    return event.SerializePartialToString()


def _truncated_history() -> bytes:
    blob = history_event([HS.Conversation(ID=f"{OTHER}@s.whatsapp.net", messages=[])]).SerializePartialToString()
    return blob[:-3]


def _history_with_a_garbage_conversation() -> bytes:
    good = HS.Conversation(
        ID=f"{OTHER}@s.whatsapp.net",
        messages=[history_message("HIST-OK", "histórico bom", from_me=False, ts_s=1_700_000_000, chat=OTHER)],
    )
    data = history_event([good, HS.Conversation(ID="GARBAGECONV")]).SerializePartialToString()
    return data.replace(b"\n\x0bGARBAGECONV", b"\x0a\x0b\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")


def _ordinary(n: int) -> bytes:
    return message_event(
        f"OK{n:03d}", text(f"mensagem {n}"), timestamp_ms=1_760_000_000_000 + n
    ).SerializePartialToString()


def _hostile_burst() -> list[tuple[bytes, int]]:
    """200 ordinary messages with every hostile event found by the attacker mixed in."""
    hostile = [
        (_bad_text_and_name(), MESSAGE),
        (_bad_file_name(), MESSAGE),
        (_huge_file(), MESSAGE),
        (_far_future(), MESSAGE),
        (_empty_user_chat(), MESSAGE),
        (_truncated_history(), HISTORY),
        (_history_with_a_garbage_conversation(), HISTORY),
    ]
    burst = [(_ordinary(n), MESSAGE) for n in range(200)]
    for index, item in enumerate(hostile):
        burst.insert(20 + 25 * index, item)
    return burst


def test_invalid_utf8_text_and_push_name_are_stored_as_text(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.start()
        await _feed_raw(harness, (_bad_text_and_name(), MESSAGE))
        await harness.channel.stop()

    run(scenario())
    row = harness.row("BAD-UTF8")
    assert isinstance(row.text, str) and isinstance(row.sender_name, str)
    assert row.text.startswith("Oi ") and "\ufffd" in row.text and "\x00" not in row.text
    assert row.sender_name.startswith("Jo") and "\x00" not in row.sender_name
    row.text.encode("utf-8")  # no lone surrogates
    with harness.store.read() as conn:
        listed = conversations.get(conn, row.conversation_id)
    assert listed is not None and isinstance(listed.title, str) and isinstance(listed.last_preview, str)


def test_an_absurd_timestamp_becomes_the_receive_time(run: Any, harness: Harness) -> None:
    before = time.time_ns() // 1_000_000

    async def scenario() -> None:
        await harness.channel.start()
        await _feed_raw(harness, (_far_future(), MESSAGE))
        await harness.channel.stop()

    run(scenario())
    assert before <= harness.row("FUTURE").sent_at <= time.time_ns() // 1_000_000


def test_one_hostile_event_never_costs_its_batch_mates(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.start()
        await _feed_raw(harness, *_hostile_burst())
        await harness.channel.stop()

    run(scenario())
    for n in range(200):
        assert harness.row(f"OK{n:03d}").text == f"mensagem {n}"
    huge_id, odd_id = harness.row("HUGE").id, harness.row("BAD-FILE").id
    with harness.store.read() as conn:
        huge = messages.attachment_names(conn, [huge_id])[huge_id]
        odd = messages.attachment_names(conn, [odd_id])[odd_id]
    assert huge == [("grande.pdf", "application/pdf", 0)]  # size unknown, not 2^64 - 1
    assert odd[0][0].startswith("fatura\ufffd") and "\x00" not in odd[0][0]
    assert harness.row("HIST-OK").text == "histórico bom"  # the good part of a partly broken history blob
    with harness.store.read() as conn:
        assert messages.find_by_channel_id(conn, harness.account_id, "NOUSER") is None
    with harness.store.read() as conn:  # each rejected event waits alone in the dead letters, with its reason
        rejected = [letter.error for letter in spool.list_dead_letters(conn, harness.account_id)]
    assert len(rejected) == 3, rejected  # the empty-user chat, the truncated blob, the blob with a broken part
    assert any("chat JID" in reason for reason in rejected)
    assert sum("history" in reason.lower() for reason in rejected) == 2


def test_a_placeholder_is_not_replaced_by_the_same_id_from_another_chat(run: Any, harness: Harness) -> None:
    info = message_event("U1", text("")).Info

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(N.UndecryptableMessage(Info=info, IsUnavailable=True))
        await harness.feed(message_event("U1", text("clique aqui: golpe"), chat=jid(INTRUDER)))
        assert (harness.row("U1").kind, harness.row("U1").text) == ("pending", "")
        await harness.feed(message_event("U1", text("agora sim")))
        await harness.channel.stop()

    run(scenario())
    row = harness.row("U1")
    assert (row.kind, row.text) == ("text", "agora sim")
    with harness.store.read() as conn:
        listed = conversations.get(conn, row.conversation_id)
    assert listed is not None and listed.title == "Maria"  # the customer's own chat, not the intruder's


def test_fake_pending_targets_from_one_chat_do_not_push_out_a_real_reaction(run: Any, harness: Harness) -> None:
    fakes = [
        message_event(f"F{n}", reaction(f"FAKE{n}", "😀", target_from_me=False), chat=jid(INTRUDER))
        for n in range(20_000)
    ]

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(message_event("R1", reaction("REAL1", "👍", target_from_me=False)))
        await harness.feed(*fakes)
        await harness.feed(message_event("REAL1", text("chegou depois")))
        await harness.channel.stop()

    run(scenario())
    real = harness.row("REAL1").id
    with harness.store.read() as conn:
        reactions = messages.reactions_of(conn, [real])
    assert reactions == {real: ["👍"]}
    assert len(harness.channel.processor.pending_changes) <= 4_000  # the intruder's own quota


def test_pending_values_are_capped_per_target() -> None:
    pending: PendingByTarget[int] = PendingByTarget()
    for value in range(100):
        pending.add("T1", value, chat="a")
    [(_, _, values)] = pending.take(["T1"])
    assert values == list(range(92, 100))


def test_the_app_starts_and_paints_a_profile_full_of_hostile_messages(
    run: Any, recorder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attacker's profile crashed DeskChat at every start while painting the list: now it paints and exits 0."""
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    try:
        from bench_keyring import FileKeyring  # a keyring the child process can read too
    finally:
        sys.path.remove(str(ROOT / "tests" / "bench"))
    monkeypatch.setenv("BENCH_KEYRING_FILE", str(tmp_path / "keyring.json"))
    keyring.set_keyring(FileKeyring())
    profile = Profile(tmp_path / "hostile-profile")
    store = Store.open(profile)
    try:
        harness = Harness(store, recorder, tmp_path)

        async def scenario() -> None:
            await harness.channel.start()
            await _feed_raw(harness, (_bad_text_and_name(), MESSAGE), (_far_future(), MESSAGE))
            await _feed_raw(harness, *_hostile_burst())
            await harness.channel.stop()

        run(scenario())
    finally:
        store.close()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="bench_keyring.FileKeyring",
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "bench"), os.environ.get("PYTHONPATH", "")]),
    )
    done = subprocess.run(
        [sys.executable, "-m", "deskchat", "--self-test", "--profile", str(profile.root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "self-test ok" in done.stdout
    assert ", 0 rows" not in done.stdout
