"""The middle pane: the conversation's header and ticket actions, its bubbles, and the composer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QModelIndex, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from deskchat.core.events import ConversationStatus
from deskchat.store import conversations, messages
from deskchat.store.database import Store
from deskchat.ui.attachment_actions import AttachmentActions
from deskchat.ui.bubble_delegate import BubbleDelegate, layout_for
from deskchat.ui.composer import Composer
from deskchat.ui.draft_keeper import DraftKeeper
from deskchat.ui.file_sending import FileSending, SendFile
from deskchat.ui.full_text_viewer import FullTextViewer
from deskchat.ui.mail_composer import MailComposer, SaveSignature, SendMail
from deskchat.ui.mail_reader import FetchBody, MailReader
from deskchat.ui.mail_view import Fetcher
from deskchat.ui.models.chat import ChatItem, ChatModel, MessageRole, NewDayRole
from deskchat.ui.reply_bar import ReplyBar, ReplyTarget
from deskchat.ui.reply_channel import ReplyChannelPicker
from deskchat.ui.tasks import run_async

SendText = Callable[[int, str, str | None], Awaitable[int]]  # conversation, text, channel id replied to
TicketAction = Callable[[int], Awaitable[None]]
RetryMessage = Callable[[int], Awaitable[bool]]


class ChatView(QListView):
    """Bubbles, bottom-anchored; scrolling to the top loads the previous page without jumping."""

    messageOpened = Signal(QModelIndex)  # double-click, or Enter on the current bubble

    def __init__(self, model: ChatModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setModel(model)
        self.setItemDelegate(BubbleDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListView#chatView { background: #efeae2; border: none; }")
        self.verticalScrollBar().valueChanged.connect(self._maybe_load_older)
        self._chat_model = model
        self.last_press = QPoint()  # where the last click landed (to tell a click on "see the whole message")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.last_press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            self.messageOpened.emit(index)
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.messageOpened.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def verticalScrollbarValueChanged(self, value: int) -> None:
        """Qt's list asks the model for more rows at the *bottom*; a chat's older rows come at the top (below)."""

    def _maybe_load_older(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if value != bar.minimum() or not self._chat_model.canFetchMore():
            return
        distance_from_bottom = bar.maximum() - value
        if self._chat_model.load_older():
            self.doItemsLayout()
            bar.setValue(bar.maximum() - distance_from_bottom)

    def fetchMore_if_needed(self) -> None:
        self._maybe_load_older(self.verticalScrollBar().value())


class ChatPane(QWidget):
    def __init__(
        self,
        store: Store,
        send_text: SendText,
        ticket_actions: dict[str, TicketAction],
        retry_message: RetryMessage,
        parent: QWidget | None = None,
        *,
        send_file: SendFile | None = None,
        send_mail: SendMail | None = None,
        save_signature: SaveSignature | None = None,
        fetch_body: FetchBody | None = None,
        image_fetcher: Fetcher | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._send_text = send_text
        self._ticket_actions = ticket_actions
        self._retry_message = retry_message
        self._send_mail = send_mail
        self.model = ChatModel(store, self)
        self.title = QLabel(self)
        self.title.setObjectName("chatTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: #667781;")
        self.accept_button = QPushButton(self.tr("Accept"), self)
        self.accept_button.setObjectName("acceptButton")
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closeButton")
        self.reopen_button = QPushButton(self.tr("Reopen"), self)
        self.reopen_button.setObjectName("reopenButton")
        self.accept_button.clicked.connect(lambda: self._ticket("accept"))
        self.close_button.clicked.connect(lambda: self._ticket("close"))
        self.reopen_button.clicked.connect(lambda: self._ticket("reopen"))
        self.view = ChatView(self.model, self)
        self.view.clicked.connect(self._retry_if_failed)
        self.view.clicked.connect(self._show_whole_text_if_asked)
        self.full_text_viewer: FullTextViewer | None = None
        self.view.messageOpened.connect(self._open_if_mail)
        self._fetch_body = fetch_body
        self._image_fetcher = image_fetcher
        self.mail_reader: MailReader | None = None
        # right-click: reply to the message; open / save its attachment
        self.attachment_actions = AttachmentActions(self.view, store, reply=self.start_reply)
        self.reply_bar = ReplyBar(self)
        self.reply_channel = ReplyChannelPicker(store, self)  # shown when the customer has several channels
        self.reply_channel.chosen.connect(self.send_by)
        self.model.members_changed.connect(
            lambda: self.reply_channel.show_for(self.model.members, self.model.conversation_id)
        )
        self.composer = Composer(self)
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setObjectName("sendButton")
        self.send_button.clicked.connect(self.composer.submit)
        self.composer.submitted.connect(self._submit)
        self.files = FileSending(
            self,
            send_file,
            lambda: self.model.conversation_id,
            self.composer,
            self.view.viewport(),
        )
        self.drafts = DraftKeeper(store, self.composer, self.reply_bar, self._reply_target, self)
        self.placeholder = QLabel(self.tr("Select a conversation to start"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #667781; font-size: 15px;")

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.accept_button)
        header.addWidget(self.close_button)
        header.addWidget(self.reopen_button)
        self.chat_composer_page = QWidget(self)
        bottom = QHBoxLayout(self.chat_composer_page)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.files.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.composer, 1)
        bottom.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        # one stack of composers: the chat's, and the mail composer for e-mail (see _composer_for)
        self.mail_composer = MailComposer(store, send_mail, save_signature, self)
        self.composer_stack = QStackedWidget(self)
        self.composer_stack.setObjectName("composerStack")
        self.composer_stack.addWidget(self.chat_composer_page)
        self.composer_stack.addWidget(self.mail_composer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reply_channel)
        layout.addWidget(self.reply_bar)
        layout.addWidget(self.composer_stack)
        self.model.rowsInserted.connect(self._follow_new_rows)
        self.open_conversation(None)

    # -- opening -----------------------------------------------------------------------------------------------

    def open_conversation(self, conversation_id: int | None) -> None:
        """Show the conversation's messages and its draft (the draft of the one left is kept for it)."""
        self.model.open(conversation_id)  # the customer's timeline; model.conversation_id: the reply channel
        self.drafts.switch_to(self.model.conversation_id)
        self.reply_channel.show_for(self.model.members, self.model.conversation_id)
        self._compose_for(self.model.conversation_id)
        has_conversation = conversation_id is not None
        self.placeholder.setVisible(not has_conversation)
        self.view.setVisible(has_conversation)
        self.composer.setEnabled(has_conversation)
        self.send_button.setEnabled(has_conversation)
        self.files.attach_button.setEnabled(has_conversation)
        self.refresh_header()
        if has_conversation:
            self.view.scrollToBottom()
            self.focus_composer()
            # a short first page may not fill the view: keep loading until it scrolls
            QTimer.singleShot(0, self.view.fetchMore_if_needed)

    def focus_composer(self) -> None:
        """Put the cursor where the attendant writes (Ctrl+L): the chat's composer or the mail's text."""
        if self.composer_stack.currentWidget() is self.mail_composer:
            self.mail_composer.body.setFocus()
        else:
            self.composer.setFocus()

    def _show_composer(self, composer: QWidget) -> None:
        """Show ``composer``; the stack takes the height of the one shown, not of the biggest."""
        for position in range(self.composer_stack.count()):
            page = self.composer_stack.widget(position)
            if page is None:
                continue
            policy = QSizePolicy.Policy.Preferred if page is composer else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.composer_stack.setCurrentWidget(composer)
        self.composer_stack.updateGeometry()

    def _editor(self) -> QPlainTextEdit:
        """Where the attendant types the reply now: the mail's text or the chat composer."""
        return self.mail_composer.body if self.composer_stack.currentWidget() is self.mail_composer else self.composer

    def _typed_text(self) -> str:
        return self._editor().toPlainText()

    def _compose_for(self, conversation_id: int | None) -> None:
        """Show the composer the reply channel is written with, holding that conversation's draft."""
        composer = self._composer_for(conversation_id)
        self.mail_composer.open_conversation(conversation_id if composer is self.mail_composer else None)
        self._show_composer(composer)

    def _composer_for(self, conversation_id: int | None) -> QWidget:
        """The composer a conversation is answered with: the mail composer for e-mail, the chat composer else."""
        if conversation_id is None or self._send_mail is None:
            return self.chat_composer_page
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
        return self.mail_composer if row is not None and row.channel == "email" else self.chat_composer_page

    def refresh_header(self) -> None:
        conversation_id = self.model.conversation_id
        row = None
        if conversation_id is not None:
            with self._store.read() as conn:
                row = conversations.get(conn, conversation_id)
        if row is None:
            self.title.setText("")
            self.subtitle.setText("")
            for button in (self.accept_button, self.close_button, self.reopen_button):
                button.hide()
            return
        self.title.setText(row.title)
        channel = self.tr("WhatsApp") if row.channel == "whatsapp" else self.tr("E-mail")
        status_names = {
            ConversationStatus.PENDING.value: self.tr("Pending"),
            ConversationStatus.OPEN.value: self.tr("In progress"),
            ConversationStatus.CLOSED.value: self.tr("Closed"),
        }
        self.subtitle.setText(f"{channel} · {status_names.get(row.status, row.status)}")
        self.accept_button.setVisible(row.status == ConversationStatus.PENDING.value)
        self.close_button.setVisible(row.status != ConversationStatus.CLOSED.value)
        self.reopen_button.setVisible(row.status == ConversationStatus.CLOSED.value)

    def send_by(self, conversation_id: int) -> None:
        """The composer sends to ``conversation_id`` (one of the customer's channels) from now on; the text typed so
        far goes with it (a quote stays behind: it belongs to its own channel)."""
        left = self.model.conversation_id
        joined = conversation_id not in self.model.member_ids and self.model.add_member(conversation_id)
        if left is None or not self.model.set_target(conversation_id) or conversation_id == left:
            return
        typed = self._typed_text()
        self.reply_bar.clear()
        self.drafts.switch_to(conversation_id)
        self._compose_for(conversation_id)
        if typed and not self._typed_text():
            self.drafts.sent(left)
            self._editor().setPlainText(typed)
        if joined:  # a channel just started for this customer: offer it as one of theirs now
            self.reply_channel.show_for(self.model.members, conversation_id)
        self.refresh_header()

    # -- actions -----------------------------------------------------------------------------------------------

    def _submit(self, text: str) -> None:
        conversation_id = self.model.conversation_id
        if conversation_id is not None:
            target = self.reply_bar.target
            reply_to = target.channel_id if target is not None else None
            self.reply_bar.clear()
            self.drafts.sent(conversation_id)
            run_async(self._send_text(conversation_id, text, reply_to), self)

    def _reply_target(self, conversation_id: int, channel_id: str) -> ReplyTarget | None:
        """What the reply bar shows for a draft's quoted message (None if it is not stored)."""
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
            message = messages.find_by_channel_id(conn, row.account_id, channel_id) if row is not None else None
        if message is None or message.conversation_id != conversation_id:
            return None
        return ReplyTarget(message.id, message.channel_id, message.text or message.subject)

    def start_reply(self, message_id: int) -> None:
        """Quote the message in the next one the attendant sends."""
        position = self.model.row_of(message_id)
        if position < 0:
            return
        message = self.model.item_at(position).message
        self.reply_bar.reply_to(ReplyTarget(message.id, message.channel_id, message.text or message.subject))
        self.composer.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.reply_bar.target is not None:
            self.reply_bar.clear()
            return
        super().keyPressEvent(event)

    def _ticket(self, action: str) -> None:
        conversation_id = self.model.conversation_id
        if conversation_id is not None:
            run_async(self._ticket_actions[action](conversation_id), self)

    def _retry_if_failed(self, index: QModelIndex) -> None:
        item = index.data(MessageRole)
        if isinstance(item, ChatItem) and item.message.delivery == "failed":
            run_async(self._retry_message(item.message.id), self)

    def _show_whole_text_if_asked(self, index: QModelIndex) -> None:
        item = index.data(MessageRole)
        if not isinstance(item, ChatItem) or not item.folded:
            return
        rect = self.view.visualRect(index)
        lay = layout_for(item, bool(index.data(NewDayRole)), rect.width(), self.view.font())
        if lay.more is not None and lay.more.contains(QPointF(self.view.last_press - rect.topLeft())):
            self.show_whole_text(item.message.id)

    def show_whole_text(self, message_id: int) -> FullTextViewer | None:
        """Open the whole text of a folded message in a read-only viewer (not modal)."""
        if self.model.row_of(message_id) < 0:
            return None
        with self._store.read() as conn:
            text = messages.full_text(conn, message_id)
        self.full_text_viewer = FullTextViewer(text, self)
        self.full_text_viewer.show()
        return self.full_text_viewer

    def _open_if_mail(self, index: QModelIndex) -> None:
        item = index.data(MessageRole)
        if isinstance(item, ChatItem) and item.message.kind == "email":
            self.open_mail(item.message.id)

    def open_mail(self, message_id: int) -> MailReader:
        """Open a mail of the chat in a window of its own (not modal)."""
        extra = {"fetcher": self._image_fetcher} if self._image_fetcher is not None else {}
        self.mail_reader = MailReader(self._store, message_id, self, fetch_body=self._fetch_body, **extra)
        self.mail_reader.show()
        return self.mail_reader

    def _follow_new_rows(self, _parent: QModelIndex, first: int, last: int) -> None:
        if last == self.model.rowCount() - 1:
            self.view.scrollToBottom()

    # -- live updates ------------------------------------------------------------------------------------------

    def on_conversation_changed(self, conversation_id: int) -> None:
        if conversation_id == self.model.conversation_id:
            self.refresh_header()

    def on_conversations_changed(self, conversation_ids: list[int]) -> None:
        if self.model.conversation_id is not None and self.model.conversation_id in conversation_ids:
            self.refresh_header()
