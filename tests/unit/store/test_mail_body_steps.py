"""Bodies written by the mail sync: a whole group in one go, each body once, searchable with its attachments' names."""

from __future__ import annotations

from typing import Any

from deskchat.core.messages import Attachment, Identity, InboundMessage
from deskchat.core.sync_steps import MailBody, MailSeen
from deskchat.services.ingest import store_batch
from deskchat.store import accounts, media, search, sync_steps
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


def _mails_with_headers_only(store: Store, count: int) -> int:
    def work(conn: Any) -> int:
        account = accounts.create_account(conn, "email", "Suporte", now=now_ms())
        mails = [
            InboundMessage(
                account_id=account,
                chat_key=f"c{n}@example.test",
                chat_title=f"Cliente {n}",
                identities=[Identity("email", f"c{n}@example.test")],
                channel_id=f"<m{n}@example.test>",
                text="",
                subject=f"Pedido {n}",
                sent_at=1_700_000_000_000 + n,
            )
            for n in range(count)
        ]
        store_batch(conn, mails, now=now_ms())
        seen = [MailSeen(account, m.channel_id, "INBOX", 7, n + 1) for n, m in enumerate(mails)]
        sync_steps.apply_steps(conn, seen, {(account, m.channel_id) for m in mails}, now=now_ms())
        return account

    return store.write_now(work)


def _apply(store: Store, steps: list[Any]) -> sync_steps.StepsWritten:
    return store.write_now(lambda conn: sync_steps.apply_steps(conn, steps, now=now_ms()))


def test_a_group_of_bodies_is_stored_each_once_and_is_searchable(store: Store) -> None:
    account = _mails_with_headers_only(store, 3)
    pdf = Attachment("nota fiscal.pdf", "application/pdf", 10, remote_ref="r0")
    group = [
        MailBody(account, "<m0@example.test>", "boleto vencido", attachments=(pdf,)),
        MailBody(account, "<m1@example.test>", "entrega atrasada"),
        MailBody(account, "<m1@example.test>", "a second copy of the same mail"),  # same mail in two UIDs
        MailBody(account, "<unknown@example.test>", "not stored"),
    ]
    written = _apply(store, group)
    assert len(written.messages) == 2
    with store.read() as conn:
        assert [hit.subject for hit in search.search_newest(conn, "boleto", 10)] == ["Pedido 0"]
        assert [hit.text for hit in search.search_newest(conn, "entrega", 10)] == ["entrega atrasada"]
        assert search.search_newest(conn, "second", 10) == []
        assert [hit.subject for hit in search.search_newest(conn, "fiscal", 10)] == ["Pedido 0"]  # its attachment
        message_id = next(h.message_id for h in search.search_newest(conn, "boleto", 10))
        assert [a.file_name for a in media.attachments_of(conn, message_id)] == ["nota fiscal.pdf"]


def test_a_replayed_group_changes_nothing(store: Store) -> None:
    account = _mails_with_headers_only(store, 2)
    pdf = Attachment("nota.pdf", "application/pdf", 10, remote_ref="r0")
    group = [MailBody(account, "<m0@example.test>", "boleto", attachments=(pdf,))]
    assert len(_apply(store, group).messages) == 1
    replayed = [MailBody(account, "<m0@example.test>", "other text", attachments=(pdf,))]
    assert _apply(store, replayed).messages == []
    with store.read() as conn:
        [hit] = search.search_newest(conn, "boleto", 10)
        assert hit.text == "boleto"
        assert len(media.attachments_of(conn, hit.message_id)) == 1
