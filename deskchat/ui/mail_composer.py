"""The mail composer: what the chat pane's composer becomes in an e-mail conversation.

To/Cc/Bcc (checked before anything is queued; a bad address is named in words), the subject (a reply is prefilled
"RE: [Caso #N] <subject>"), the text (Enter breaks the line, Ctrl+Enter sends), the mailbox's signature (editable
here, kept in the encrypted store), the previous mail quoted under it, and files with a preview (a thumbnail for a
picture, name and size otherwise) before sending. Recipients, subject and text are the conversation's mail draft
(:class:`~deskchat.ui.mail_drafts.MailDrafts`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.channels.email.compose import parse_addresses, quoted, reply_subject
from deskchat.core.messages import Address
from deskchat.services.email_sending import ReplyBasis, reply_basis
from deskchat.services.messaging import EmptyFile, FileTooLarge, FileToSend
from deskchat.store import mail_preferences
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.mail_preferences import MailDraft
from deskchat.ui.file_sending import _fill, _size_text, read_file
from deskchat.ui.mail_drafts import MailDrafts
from deskchat.ui.tasks import run_async

SIGNATURE_SAVE_DELAY_MS = 800


class SendMail(Protocol):
    def __call__(
        self,
        conversation_id: int,
        text: str,
        subject: str,
        *,
        to: Sequence[Address] = (),
        cc: Sequence[Address] = (),
        bcc: Sequence[Address] = (),
        in_reply_to: str = "",
        references: Sequence[str] = (),
        case_id: str | None = None,
        files: Sequence[FileToSend] = (),
    ) -> Awaitable[int]: ...


SaveSignature = Callable[[int, str], Awaitable[None]]


class MailBodyEdit(QPlainTextEdit):
    """The mail's text: Enter breaks the line (mail is written in paragraphs), Ctrl+Enter sends."""

    sendRequested = Signal()

    def sizeHint(self) -> QSize:
        return QSize(400, self.fontMetrics().lineSpacing() * 7 + 12)  # room to write; the chat keeps the rest

    def keyPressEvent(self, event: QKeyEvent) -> None:
        is_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if is_enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.sendRequested.emit()
            return
        super().keyPressEvent(event)


class MailComposer(QWidget):
    """The mail composer of the open e-mail conversation (see the module docstring)."""

    sent = Signal(int)  # conversation id, once the mail is queued

    def __init__(
        self, store: Store, send_mail: SendMail | None, save_signature: SaveSignature | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mailComposer")
        self._store = store
        self._send_mail = send_mail
        self._save_signature = save_signature
        self.conversation_id: int | None = None
        self._basis: ReplyBasis | None = None
        self.files: list[FileToSend] = []
        self.to_edit = self._line("mailTo")
        self.cc_edit = self._line("mailCc")
        self.bcc_edit = self._line("mailBcc")
        self.subject_edit = self._line("mailSubject")
        self.body = MailBodyEdit(self)
        self.body.setObjectName("mailBody")
        self.body.setPlaceholderText(self.tr("Write the e-mail — Enter breaks the line, Ctrl+Enter sends"))
        self.body.sendRequested.connect(self.submit)
        self.signature_edit = QPlainTextEdit(self)
        self.signature_edit.setObjectName("mailSignature")
        self.signature_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.signature_edit.setTabChangesFocus(True)
        self.include_quote = QCheckBox(self.tr("Quote the previous e-mail"), self)
        self.include_quote.setObjectName("mailIncludeQuote")
        self.include_quote.setChecked(True)
        self.quote_view = QPlainTextEdit(self)
        self.quote_view.setObjectName("mailQuote")
        self.quote_view.setReadOnly(True)
        self.quote_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.include_quote.toggled.connect(self.quote_view.setVisible)
        self.attachment_list = QListWidget(self)
        self.attachment_list.setObjectName("mailAttachments")
        self.attachment_list.setIconSize(QSize(48, 48))
        self.attachment_list.setMaximumHeight(64)
        self.attachment_list.setFlow(QListWidget.Flow.LeftToRight)
        self.attach_button = QPushButton(self.tr("Attach…"), self)
        self.attach_button.setObjectName("mailAttach")
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove file"), self)
        self.remove_button.setObjectName("mailRemoveFile")
        self.remove_button.clicked.connect(self.remove_selected_file)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("mailError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        self.send_button = QPushButton(self.tr("Send e-mail"), self)
        self.send_button.setObjectName("mailSend")
        self.send_button.setToolTip(QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText))
        self.send_button.clicked.connect(self.submit)
        self.drafts = MailDrafts(store, self)
        for edit in (self.to_edit, self.cc_edit, self.bcc_edit, self.subject_edit):
            edit.textChanged.connect(self._edited)
        self.body.textChanged.connect(self._edited)
        self._signature_timer = QTimer(self)
        self._signature_timer.setSingleShot(True)
        self._signature_timer.setInterval(SIGNATURE_SAVE_DELAY_MS)
        self._signature_timer.timeout.connect(self._store_signature)
        self.signature_edit.textChanged.connect(self._signature_edited)
        self._restoring = False
        self._layout()
        self._show_files()

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        return edit

    def _layout(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("To:"), self.to_edit)
        form.addRow(self.tr("Cc:"), self.cc_edit)
        form.addRow(self.tr("Bcc:"), self.bcc_edit)
        form.addRow(self.tr("Subject:"), self.subject_edit)
        files = QHBoxLayout()
        files.addWidget(self.attachment_list, 1)
        files.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.attach_button)
        bottom.addWidget(self.error_label, 1)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        layout.addWidget(QLabel(self.tr("Signature:"), self))
        layout.addWidget(self.signature_edit)
        layout.addWidget(self.include_quote)
        layout.addWidget(self.quote_view)
        layout.addLayout(files)
        layout.addLayout(bottom)

    # -- opening a conversation ----------------------------------------------------------------------------------

    def open_conversation(self, conversation_id: int | None) -> None:
        """Keep the draft of the conversation left; show the draft (or a prefilled reply) of ``conversation_id``."""
        if self.conversation_id is not None and self.conversation_id != conversation_id:
            self.drafts.keep(self.conversation_id, self.current_draft())
        self._flush_signature()
        self.conversation_id = conversation_id
        self.files = []
        self.attachment_list.clear()
        self._show_files()
        self.error_label.hide()
        if conversation_id is None:
            self._basis = None
            return
        with self._store.read() as conn:
            self._basis = reply_basis(conn, conversation_id)
        self._show(self.drafts.draft_of(conversation_id) or self._prefilled(self._basis))

    def _prefilled(self, basis: ReplyBasis) -> MailDraft:
        answered = basis.answered
        subject = reply_subject(answered.subject, basis.case_id) if answered is not None else ""
        return MailDraft(to=basis.customer_address, subject=subject)

    def _show(self, draft: MailDraft) -> None:
        basis = self._basis
        self._restoring = True
        try:
            self.to_edit.setText(draft.to)
            self.cc_edit.setText(draft.cc)
            self.bcc_edit.setText(draft.bcc)
            self.subject_edit.setText(draft.subject)
            self.body.setPlainText(draft.text)
            signature = "" if basis is None else basis.signature
            if signature is None and basis is not None:
                signature = self.tr("Best regards,") + "\n" + basis.attendant_name
            self.signature_edit.setPlainText(signature or "")
            quote = self._quote(basis)
            self.quote_view.setPlainText(quote)
            self.include_quote.setVisible(bool(quote))
            self.quote_view.setVisible(bool(quote) and self.include_quote.isChecked())
        finally:
            self._restoring = False
        self.body.moveCursor(self.body.textCursor().MoveOperation.Start)

    def _quote(self, basis: ReplyBasis | None) -> str:
        answered = basis.answered if basis is not None else None
        if answered is None or not answered.text.strip():
            return ""
        when = datetime.fromtimestamp(answered.sent_at / 1000).strftime("%d/%m/%Y %H:%M")
        name = answered.sender_name or answered.from_address or (basis.customer_address if basis else "")
        return quoted(answered.text, _fill(self.tr("On %1, %2 wrote:"), when, name))

    def current_draft(self) -> MailDraft:
        return MailDraft(
            self.to_edit.text(),
            self.cc_edit.text(),
            self.bcc_edit.text(),
            self.subject_edit.text(),
            self.body.toPlainText(),
        )

    def _edited(self) -> None:
        if not self._restoring and self.conversation_id is not None:
            self.drafts.edited(self.conversation_id, self.current_draft())

    # -- the signature -------------------------------------------------------------------------------------------

    def _signature_edited(self) -> None:
        if not self._restoring and self._basis is not None:
            self._signature_timer.start()

    def _flush_signature(self) -> None:
        if self._signature_timer.isActive():
            self._signature_timer.stop()
            self._store_signature()

    def _store_signature(self) -> None:
        basis = self._basis
        if basis is None or self._save_signature is None:
            return
        text = self.signature_edit.toPlainText()
        self._basis = replace(basis, signature=text)
        run_async(self._save_signature(basis.account_id, text), self)

    # -- files ---------------------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        if names:
            self.add_paths([Path(name) for name in names])

    def add_paths(self, paths: Sequence[Path]) -> None:
        """Read the files (off the GUI thread) and show each with its preview; nothing is sent yet."""
        run_async(self._add_all(list(paths), self.conversation_id), self)

    async def _add_all(self, paths: list[Path], conversation_id: int | None) -> None:
        refused: list[str] = []
        for path in paths:
            try:
                file = await asyncio.to_thread(read_file, path)
            except FileTooLarge as error:
                refused.append(_fill(self.tr("“%1” is too big (%2)."), error.file_name, _size_text(error.size)))
            except EmptyFile as error:
                refused.append(_fill(self.tr("“%1” is empty."), error.file_name))
            except OSError as error:
                refused.append(_fill(self.tr("“%1” could not be read: %2"), path.name, error.strerror or str(error)))
            else:
                if conversation_id == self.conversation_id:
                    self._add_preview(file)
        if refused:
            self._tell(" ".join(refused))

    def _add_preview(self, file: FileToSend) -> None:
        self.files.append(file)
        item = QListWidgetItem(f"{file.file_name} — {_size_text(len(file.data))}")
        item.setToolTip(file.file_name)
        if file.thumbnail:
            image = QImage.fromData(file.thumbnail)
            if not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))
        self.attachment_list.addItem(item)
        self._show_files()

    def _show_files(self) -> None:
        """The files' previews and "Remove file" show only while files are chosen."""
        self.attachment_list.setVisible(bool(self.files))
        self.remove_button.setVisible(bool(self.files))

    def remove_selected_file(self) -> None:
        row = self.attachment_list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.attachment_list.takeItem(row)
            self._show_files()

    # -- sending -------------------------------------------------------------------------------------------------

    def submit(self) -> None:
        """Check the recipients and queue the mail; a problem is told in words and nothing is queued."""
        conversation_id = self.conversation_id
        if conversation_id is None or self._send_mail is None:
            return
        fields = ((self.tr("To"), self.to_edit), (self.tr("Cc"), self.cc_edit), (self.tr("Bcc"), self.bcc_edit))
        parsed: list[list[Address]] = []
        for label, edit in fields:
            addresses, bad = parse_addresses(edit.text())
            if bad:
                self._tell(_fill(self.tr("%1: “%2” is not a valid e-mail address."), label, bad[0]))
                edit.setFocus()
                return
            parsed.append(addresses)
        to, cc, bcc = parsed
        if not to:
            self._tell(self.tr("Who is this e-mail for? Fill in “To”."))
            self.to_edit.setFocus()
            return
        body = self.body.toPlainText().strip()
        if not body and not self.files:
            self._tell(self.tr("The e-mail has no text."))
            self.body.setFocus()
            return
        basis = self._basis
        answered = basis.answered if basis is not None else None
        subject = self.subject_edit.text().strip()
        text = self._full_text(body)
        references = (*answered.references, answered.message_id) if answered is not None else ()
        run_async(
            self._send_mail(
                conversation_id,
                text,
                subject,
                to=to,
                cc=cc,
                bcc=bcc,
                in_reply_to=answered.message_id if answered is not None else "",
                references=tuple(dict.fromkeys(r for r in references if r)),
                case_id=basis.case_id if basis is not None else None,
                files=list(self.files),
            ),
            self,
        )
        self._flush_signature()
        self.drafts.sent(conversation_id)
        self.files = []
        self.attachment_list.clear()
        self._show_files()
        self.error_label.hide()
        if basis is not None:
            self._show(self._prefilled(basis))
        self.sent.emit(conversation_id)

    def _full_text(self, body: str) -> str:
        parts = [body]
        signature = self.signature_edit.toPlainText().strip()
        if signature:
            parts.append("-- \n" + signature)
        quote = self.quote_view.toPlainText()
        if quote and self.include_quote.isChecked():
            parts.append(quote)
        return "\n\n".join(parts)

    def _tell(self, words: str) -> None:
        self.error_label.setText(words)
        self.error_label.show()

    def save_now(self) -> None:
        """Write the drafts and the signature now (the window is closing)."""
        basis = self._basis
        if self._signature_timer.isActive() and basis is not None:
            self._signature_timer.stop()
            text = self.signature_edit.toPlainText()
            self._store.write_now(
                lambda conn: mail_preferences.save_signature(conn, basis.account_id, text, now=now_ms())
            )
        if self.conversation_id is not None:
            self.drafts.keep(self.conversation_id, self.current_draft())
        self.drafts.save_now()
