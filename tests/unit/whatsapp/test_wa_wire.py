"""History syncs split at the protobuf wire level, so conversations can be parsed one at a time."""

from __future__ import annotations

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from wa_factory import CUSTOMER, CUSTOMER_LID, history_event, history_message

from deskchat.channels.whatsapp import history
from deskchat.channels.whatsapp.values import IdentityLink
from deskchat.channels.whatsapp.wire import split_history


def _event() -> N.HistorySync:
    chats = [
        HS.Conversation(
            ID=f"55119000000{n:02d}@s.whatsapp.net",
            name=f"Cliente {n}",
            messages=[
                history_message(f"W{n}-{i}", "olá ✓", from_me=False, ts_s=1_700_000_000, chat="x") for i in range(3)
            ],
        )
        for n in range(4)
    ]
    return history_event(
        chats,
        chunkOrder=7,
        progress=42,
        pushnames=[HS.Pushname(ID=f"{CUSTOMER}@s.whatsapp.net", pushname="Maria")],
        phoneNumberToLidMappings=[
            HS.PhoneNumberToLIDMapping(pnJID=f"{CUSTOMER}@s.whatsapp.net", lidJID=f"{CUSTOMER_LID}@lid")
        ],
    )


def test_split_gives_the_same_history_as_a_full_parse() -> None:
    event = _event()
    split = split_history(event.SerializePartialToString())
    assert split.header.chunkOrder == 7 and split.header.progress == 42
    assert split.header.syncType == HS.HistorySync.INITIAL_BOOTSTRAP
    assert [p.pushname for p in split.header.pushnames] == ["Maria"]
    assert history.mapping_links(split.header) == [IdentityLink(CUSTOMER_LID, CUSTOMER)]
    assert len(split.header.conversations) == 0
    assert list(split.conversations()) == list(event.Data.conversations)


def test_chunks_from_split_and_from_parsed_data_are_equal() -> None:
    event = _event()
    split = split_history(event.SerializePartialToString())
    lazy = list(history.conversation_chunks(split.conversations(), 5, chunk_size=5))
    eager = list(history.history_chunks(event.Data, 5, chunk_size=5))
    assert lazy == eager
    assert [len(chunk.messages) for chunk in lazy] == [5, 5, 2]


def test_empty_and_malformed_payloads() -> None:
    assert split_history(b"").encoded_conversations == []
    payload = _event().SerializePartialToString()
    with pytest.raises(ValueError, match="truncated"):
        split_history(payload[:-5])
