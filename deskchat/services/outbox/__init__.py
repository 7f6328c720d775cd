"""The outbox drainer: one lane per account, one handler per kind of outbox row, every result classified."""

from deskchat.services.outbox.drainer import OutboxDrainer
from deskchat.services.outbox.handlers import ChatFileHandler, ChatMessageHandler, OutboxHandler
from deskchat.services.outbox.ids import choose_message_id

__all__ = ["ChatFileHandler", "ChatMessageHandler", "OutboxDrainer", "OutboxHandler", "choose_message_id"]
