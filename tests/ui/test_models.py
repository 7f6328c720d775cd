"""Every item model passes Qt's model tester, and big conversations open on their newest page at once."""

from __future__ import annotations

from typing import Any

from deskchat.core.events import ConversationStatus, DeliveryState
from deskchat.core.messages import Identity, InboundMessage
from deskchat.services.ingest import store_batch
from deskchat.store import accounts, contacts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.ui.models.chat import PAGE_SIZE, ChatModel, MessageRole, NewDayRole
from deskchat.ui.models.conversation_list import PAGE_SIZE as LIST_PAGE
from deskchat.ui.models.conversation_list import ConversationListModel
from deskchat.ui.models.search_results import SearchResultsModel

DAY_MS = 86_400_000
BASE_MS = 1_763_800_000_000


def _big_conversation(store: Store, count: int) -> int:
    def work(conn: Any) -> int:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        contact = contacts.find_or_create_contact(conn, [Identity("phone", "+5511987654321")], "Ana", now=now_ms())
        conversation = conversations.find_or_create_conversation(conn, account, "chat", contact, "Ana", now=now_ms())
        batch = [
            NewMessage(
                conversation,
                account,
                f"M{n}",
                n % 3 == 0,
                f"mensagem {n}",
                BASE_MS + n * 3_600_000,
                DeliveryState.READ if n % 3 == 0 else DeliveryState.RECEIVED,
            )
            for n in range(count)
        ]
        messages.add_messages_bulk(conn, batch, now=now_ms())
        return conversation

    return store.write_now(work)


def _many_conversations(store: Store, count: int) -> None:
    def work(conn: Any) -> None:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        batch = [
            InboundMessage(
                account_id=account,
                chat_key=f"chat-{n}",
                chat_title=f"Cliente {n}",
                identities=[Identity("email", f"cliente{n}@exemplo.com.br")],
                channel_id=f"M{n}",
                text=f"pedido número {n}",
                sent_at=BASE_MS + n * 1000,
            )
            for n in range(count)
        ]
        store_batch(conn, batch, now=now_ms())

    store.write_now(work)


def test_conversation_list_model(qtmodeltester: Any, store: Store) -> None:
    _many_conversations(store, 250)
    model = ConversationListModel(store, ConversationStatus.PENDING.value)
    assert model.rowCount() == LIST_PAGE
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 250
    ids = [model.index(row, 0).data() for row in range(3)]
    assert ids == ["Cliente 249", "Cliente 248", "Cliente 247"]


def test_chat_model_opens_a_50000_message_conversation_on_its_newest_page(qtmodeltester: Any, store: Store) -> None:
    conversation = _big_conversation(store, 50_000)
    model = ChatModel(store)
    model.open(conversation)
    assert model.rowCount() == PAGE_SIZE
    newest = model.index(PAGE_SIZE - 1, 0).data(MessageRole)
    assert newest.message.text == "mensagem 49999"
    qtmodeltester.check(model)  # it also pages older rows in while checking
    loaded = model.rowCount()
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == loaded + PAGE_SIZE
    assert model.index(0, 0).data() == f"mensagem {50_000 - loaded - PAGE_SIZE}"
    assert model.index(model.rowCount() - 1, 0).data() == "mensagem 49999"
    # day separators: messages are an hour apart, so a new day starts every 24 rows (the first row always has one)
    flags = [bool(model.index(row, 0).data(NewDayRole)) for row in range(model.rowCount())]
    assert flags[0]
    assert sum(flags[1:]) in (model.rowCount() // 24, model.rowCount() // 24 + 1)


def test_search_results_model(qtmodeltester: Any, store: Store) -> None:
    _many_conversations(store, 30)
    model = SearchResultsModel(store)
    model.run("pedido")
    assert model.rowCount() == 30
    qtmodeltester.check(model)
    model.run("número 7")
    assert model.rowCount() == 1
    model.run('"); DROP TABLE messages; --')
    assert model.rowCount() == 0


def test_bubble_text_measure_counts_every_line(qapp: Any) -> None:
    from PySide6.QtGui import QFont

    from deskchat.ui.bubble_delegate import wrapped_size

    font = QFont()
    one_width, one = wrapped_size("Bom dia", font, 400)
    _, three = wrapped_size("Bom dia,\n\nAtt.", font, 400)
    _, wrapped = wrapped_size("palavra " * 40, font, 200)
    _, long_token = wrapped_size("https://exemplo.com.br/" + "x" * 300, font, 200)
    assert one_width < 400
    assert three >= 3 * one - 3
    assert wrapped > 4 * one
    assert long_token > 2 * one  # a URL longer than the line breaks inside instead of overflowing
