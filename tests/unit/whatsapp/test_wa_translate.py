"""neonize protobuf events → DeskChat values (pure functions, real protos)."""

from __future__ import annotations

import json

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb import WAWebProtobufsWeb_pb2 as W
from wa_factory import (
    BASE_MS,
    CUSTOMER,
    CUSTOMER_LID,
    LEGACY_CUSTOMER,
    document,
    edit,
    history_event,
    history_message,
    image,
    jid,
    message_event,
    reaction,
    receipt_event,
    reply,
    revoke,
    text,
    voice_note,
)

from deskchat.channels.whatsapp import content, translate
from deskchat.channels.whatsapp.jids import canonical_pn_user, chat_key_for_phone, parse_jid
from deskchat.core.events import DeliveryState
from deskchat.core.messages import Identity, InboundMessage

CHAT_KEY = f"{CUSTOMER}@s.whatsapp.net"


def _inbound(event: object) -> InboundMessage:
    item = translate.translate_message(event, 7)
    assert isinstance(item, InboundMessage)
    return item


def test_text_message() -> None:
    message = _inbound(message_event("3EB0A1", text("Olá, tudo bem?")))
    assert message.account_id == 7
    assert message.channel_id == "3EB0A1"
    assert message.chat_key == CHAT_KEY
    assert message.text == "Olá, tudo bem?"
    assert message.kind == "text"
    assert message.sent_at == BASE_MS
    assert not message.outgoing
    assert message.sender_name == "Maria"
    assert message.chat_title == "Maria"
    assert Identity("phone", "+5511987654321") in message.identities
    assert Identity("wa_pn", CUSTOMER) in message.identities


def test_reply_keeps_the_quoted_id() -> None:
    message = _inbound(message_event("R1", reply("Sim, pode ser", "Q1", "Amanhã?", CHAT_KEY)))
    assert message.text == "Sim, pode ser"
    assert message.reply_to_channel_id == "Q1"


def test_image_with_caption_becomes_an_attachment_with_its_download_reference() -> None:
    message = _inbound(message_event("IMG1", image("Nota fiscal")))
    assert message.kind == "image"
    assert message.text == "Nota fiscal"
    [attachment] = message.attachments
    assert attachment.mime == "image/jpeg"
    assert attachment.size == 123_456
    assert attachment.thumbnail == b"\xff\xd8thumb"
    assert attachment.file_name == "image-IMG1.jpg"
    ref = json.loads(attachment.remote_ref)
    assert ref["field"] == "imageMessage"
    downloadable = content.message_for_download(attachment.remote_ref)
    assert downloadable.imageMessage.directPath == "/v/t62/abc"
    assert downloadable.imageMessage.mediaKey == b"k" * 32
    assert not downloadable.imageMessage.HasField("JPEGThumbnail")  # kept in the row, not in the reference


def test_document_keeps_its_file_name() -> None:
    message = _inbound(message_event("DOC1", document("boleto-março.pdf", caption="segue")))
    assert message.kind == "document"
    assert message.text == "segue"
    assert message.attachments[0].file_name == "boleto-março.pdf"
    assert message.attachments[0].mime == "application/pdf"


def test_voice_note_is_kind_voice() -> None:
    message = _inbound(message_event("PTT1", voice_note()))
    assert message.kind == "voice"
    assert message.text == ""
    assert message.attachments[0].mime == "audio/ogg; codecs=opus"
    assert message.attachments[0].file_name == "voice-PTT1.ogg"


def test_plain_audio_is_kind_audio() -> None:
    audio = E2E.Message(audioMessage=E2E.AudioMessage(PTT=False, mimetype="audio/mpeg", fileLength=10))
    assert _inbound(message_event("A1", audio)).kind == "audio"


def test_reaction_targets_the_message() -> None:
    change = translate.translate_message(message_event("RX1", reaction("OUT1", "👍")), 7)
    assert isinstance(change, translate.ReactionChange)
    assert (change.target_id, change.emoji, change.sender, change.chat_key) == ("OUT1", "👍", CUSTOMER, CHAT_KEY)
    assert change.at == BASE_MS + 5
    assert not change.from_me


def test_removed_reaction_has_an_empty_emoji() -> None:
    change = translate.translate_message(message_event("RX2", reaction("OUT1", "")), 7)
    assert isinstance(change, translate.ReactionChange)
    assert change.emoji == ""


def test_edit_by_protocol_message() -> None:
    change = translate.translate_message(message_event("ED1", edit("M1", "texto corrigido"), edit="1"), 7)
    assert isinstance(change, translate.EditChange)
    assert (change.target_id, change.new_text, change.at) == ("M1", "texto corrigido", BASE_MS + 60_000)


def test_an_edit_marker_without_a_protocol_part_is_never_stored_as_a_new_message() -> None:
    assert translate.translate_message(message_event("ED2", E2E.Message(), edit="1"), 7) is None


def test_revoke() -> None:
    change = translate.translate_message(message_event("RV1", revoke("M1"), edit="7"), 7)
    assert isinstance(change, translate.RevokeChange)
    assert change.target_id == "M1"


def test_protocol_message_without_type_is_not_a_revoke() -> None:
    # proto2: an unset enum reads back as its first value, REVOKE
    untyped = E2E.Message(protocolMessage=E2E.ProtocolMessage(key=MessageKey(ID="M1")))
    assert translate.translate_message(message_event("P1", untyped), 7) is None


def test_key_distribution_alone_is_not_a_message() -> None:
    plumbing = E2E.Message(senderKeyDistributionMessage=E2E.SenderKeyDistributionMessage(groupID="g"))
    assert translate.translate_message(message_event("K1", plumbing), 7) is None


def test_unknown_content_is_kept_as_unsupported() -> None:
    poll = E2E.Message(pollCreationMessage=E2E.PollCreationMessage(name="Qual dia?"))
    assert _inbound(message_event("POLL1", poll)).kind == "unsupported"


def test_lid_sender_with_sender_alt_is_filed_under_the_phone_number() -> None:
    lid = jid(CUSTOMER_LID, "lid")
    event = message_event("L1", text("oi"), chat=lid, sender=lid, sender_alt=jid(CUSTOMER), lid_addressing=True)
    message = _inbound(event)
    assert message.chat_key == CHAT_KEY
    assert set(message.identities) == {
        Identity("phone", "+5511987654321"),
        Identity("wa_pn", CUSTOMER),
        Identity("wa_lid", CUSTOMER_LID),
    }
    assert translate.link_of(event.Info.MessageSource) == translate.IdentityLink(CUSTOMER_LID, CUSTOMER)


def test_lid_only_message_uses_a_known_mapping_or_the_lid() -> None:
    lid = jid(CUSTOMER_LID, "lid")
    event = message_event("L2", text("oi"), chat=lid, sender=lid, lid_addressing=True)
    assert _inbound(event).chat_key == f"{CUSTOMER_LID}@lid"
    mapped = translate.translate_message(event, 7, {CUSTOMER_LID: CUSTOMER})
    assert isinstance(mapped, InboundMessage)
    assert mapped.chat_key == CHAT_KEY


def test_own_message_from_the_phone_is_outgoing_in_the_customers_chat() -> None:
    lid = jid(CUSTOMER_LID, "lid")
    event = message_event("OWN1", text("Bom dia!"), chat=lid, from_me=True, recipient_alt=jid(CUSTOMER))
    message = _inbound(event)
    assert message.outgoing
    assert message.chat_key == CHAT_KEY  # the chat, not the sender (us)
    assert message.sender_name == ""
    assert Identity("wa_pn", "5511900000000") not in message.identities


def test_brazilian_number_without_the_9th_digit_gets_the_canonical_chat_key() -> None:
    message = _inbound(message_event("BR1", text("oi"), chat=jid(LEGACY_CUSTOMER)))
    assert message.chat_key == CHAT_KEY
    assert Identity("phone", "+5511987654321") in message.identities  # the line, in canonical form
    assert Identity("phone", "+551187654321") not in message.identities
    assert Identity("wa_pn", LEGACY_CUSTOMER) in message.identities
    assert canonical_pn_user(LEGACY_CUSTOMER) == CUSTOMER
    assert chat_key_for_phone("+5511987654321") == CHAT_KEY


def test_group_message_is_flagged_and_keyed_by_the_group() -> None:
    group = jid("120363025246125486", "g.us")
    event = message_event("G1", text("bom dia grupo"), chat=group, sender=jid(CUSTOMER, device=3), group=True)
    message = _inbound(event)
    assert message.is_group
    assert message.chat_key == "120363025246125486@g.us"
    assert message.sender_name == "Maria"
    assert message.chat_title == ""
    assert message.identities == (Identity("wa_group", "120363025246125486@g.us"),)


def test_status_broadcasts_are_ignored() -> None:
    event = message_event("S1", text("status"), chat=jid("status", "broadcast"), sender=jid(CUSTOMER))
    assert translate.translate_message(event, 7) is None


def test_timestamps_in_seconds_are_read_as_seconds() -> None:
    assert _inbound(message_event("T1", text("x"), timestamp_ms=1_760_000_000)).sent_at == 1_760_000_000_000


@pytest.mark.parametrize(
    ("receipt_type", "state"),
    [
        (N.Receipt.DELIVERED, DeliveryState.DELIVERED),
        (N.Receipt.READ, DeliveryState.READ),
        (N.Receipt.PLAYED, DeliveryState.PLAYED),
    ],
)
def test_receipts_move_ticks(receipt_type: int, state: DeliveryState) -> None:
    update = translate.receipt_update(receipt_event(["OUT1", "OUT2"], receipt_type))
    assert update == translate.ReceiptUpdate(("OUT1", "OUT2"), state, CHAT_KEY)


def test_receipt_without_type_is_ignored_not_read_as_delivered() -> None:
    event = receipt_event(["OUT1"], None)
    assert event.Type == N.Receipt.DELIVERED  # the trap: proto2 default
    assert translate.receipt_update(event) is None


@pytest.mark.parametrize(
    "receipt_type", [N.Receipt.SENDER, N.Receipt.RETRY, N.Receipt.SERVER_ERROR, N.Receipt.INACTIVE]
)
def test_other_receipt_types_are_ignored(receipt_type: int) -> None:
    assert translate.receipt_update(receipt_event(["OUT1"], receipt_type)) is None


def test_read_self_means_read_on_the_phone() -> None:
    update = translate.receipt_update(receipt_event(["IN1"], N.Receipt.READ_SELF))
    assert update == translate.ReadElsewhere(CHAT_KEY, ("IN1",))


def test_undecryptable_message_becomes_a_pending_placeholder() -> None:
    info = message_event("U1", text("")).Info
    placeholder = translate.placeholder(N.UndecryptableMessage(Info=info, IsUnavailable=False), 7)
    assert placeholder is not None
    assert (placeholder.kind, placeholder.text, placeholder.channel_id) == ("pending", "", "U1")
    hidden = N.UndecryptableMessage(Info=info, DecryptFailMode=N.UndecryptableMessage.DECRYPT_FAIL_HIDE)
    assert translate.placeholder(hidden, 7) is None


def test_history_sync_in_chunks_with_links_and_names() -> None:
    chat = f"{CUSTOMER_LID}@lid"
    messages = [
        history_message(f"H{i}", f"mensagem {i}", from_me=i % 3 == 0, ts_s=1_700_000_000 + i, chat=chat)
        for i in range(2500)
    ]
    conversation = HS.Conversation(ID=chat, pnJID=CHAT_KEY, displayName="Maria (cliente)", messages=messages)
    event = history_event(
        [conversation],
        pushnames=[HS.Pushname(ID=CHAT_KEY, pushname="Maria")],
        phoneNumberToLidMappings=[HS.PhoneNumberToLIDMapping(pnJID="5521999990000@s.whatsapp.net", lidJID="1@lid")],
    )
    chunks = list(translate.history_chunks(event.Data, 7))
    assert [len(chunk.messages) for chunk in chunks] == [1000, 1000, 500]
    first = chunks[0].messages[0]
    assert first.chat_key == CHAT_KEY
    assert first.chat_title == "Maria (cliente)"
    assert first.outgoing and first.delivery is DeliveryState.READ
    assert chunks[0].messages[1].delivery is None and chunks[0].messages[1].sender_name == "Cliente"
    links = translate.history_links(event.Data)
    assert translate.IdentityLink("1", "5521999990000") in links
    assert translate.IdentityLink(CUSTOMER_LID, CUSTOMER) in links
    [hint] = translate.history_hints(event.Data)
    assert hint.name == "Maria" and Identity("phone", "+5511987654321") in hint.identities


def test_history_unwraps_wrappers_and_carries_reactions() -> None:
    wrapped = E2E.Message(ephemeralMessage=E2E.FutureProofMessage(message=image("foto")))
    info = W.WebMessageInfo(
        key=MessageKey(remoteJID=CHAT_KEY, fromMe=True, ID="HW1"),
        message=wrapped,
        messageTimestamp=1_700_000_000,
        reactions=[W.Reaction(key=MessageKey(remoteJID=CHAT_KEY, fromMe=False, ID="R"), text="❤️", senderTimestampMS=5)],
    )
    stub = W.WebMessageInfo(key=MessageKey(remoteJID=CHAT_KEY, ID="STUB"), messageStubType=1, messageTimestamp=1)
    event = history_event(
        [HS.Conversation(ID=CHAT_KEY, messages=[HS.HistorySyncMsg(message=info), HS.HistorySyncMsg(message=stub)])]
    )
    [chunk] = translate.history_chunks(event.Data, 7)
    [message] = chunk.messages
    assert message.kind == "image" and message.text == "foto"
    assert message.delivery is None or message.delivery is DeliveryState.SENT
    [change] = chunk.changes
    assert isinstance(change, translate.ReactionChange)
    assert (change.target_id, change.emoji, change.sender) == ("HW1", "❤️", CUSTOMER)


def test_jid_parsing() -> None:
    assert parse_jid("5511987654321:12@s.whatsapp.net") == parse_jid("5511987654321@s.whatsapp.net")
    assert parse_jid("nothing") is None
