"""One WhatsApp number on the connection screen: its state in words, QR code or phone code, actions and log."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.services.accounts import AccountsService, AccountState
from deskchat.services.notices import Notices
from deskchat.services.whatsapp_accounts import WhatsAppDriver
from deskchat.ui.connections.card_parts import (
    clock_time,
    common_event_words,
    confirmed,
    fill_log,
    hint_label,
    linked_today_text,
    log_list,
    status_label,
)
from deskchat.ui.notices import WindowNotices
from deskchat.ui.qr_image import qr_pixmap
from deskchat.ui.tasks import run_async

COUNTDOWN_TICK_MS = 1000


class WhatsAppCard(QGroupBox):
    """Driven by the accounts service and the WhatsApp driver (actions) and the bus bridge (state, QR codes, log)."""

    disconnected = Signal(int)

    def __init__(
        self,
        service: AccountsService,
        whatsapp: WhatsAppDriver,
        account_id: int,
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"whatsappCard_{account_id}")
        self.setTitle(self.tr("WhatsApp — %1").replace("%1", name))
        self._service = service
        self._whatsapp = whatsapp
        self.account_id = account_id
        self._seconds_left = 0
        self.notices: Notices = WindowNotices(self)

        self.status_label = status_label(self, "waStatus")
        self.hint_label = hint_label(self, "waHint")

        self.qr_label = QLabel(self)
        self.qr_label.setObjectName("waQr")
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("waCountdown")
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_qr_button = QPushButton(self.tr("Generate new QR Code"), self)
        self.new_qr_button.setObjectName("waNewQr")
        self.pair_code_label = QLabel(self)
        self.pair_code_label.setObjectName("waPairCode")
        self.pair_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        code_font = self.pair_code_label.font()
        code_font.setPointSizeF(code_font.pointSizeF() * 2)
        code_font.setBold(True)
        code_font.setLetterSpacing(code_font.SpacingType.AbsoluteSpacing, 4)
        self.pair_code_label.setFont(code_font)

        self.connect_button = QPushButton(self.tr("Connect WhatsApp"), self)
        self.connect_button.setObjectName("waConnect")
        self.phone_field = QLineEdit(self)
        self.phone_field.setObjectName("waPhone")
        self.phone_field.setPlaceholderText(self.tr("Phone number, e.g. (11) 98765-4321"))
        self.phone_button = QPushButton(self.tr("Connect with phone number"), self)
        self.phone_button.setObjectName("waPairPhone")
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        self.disconnect_button.setObjectName("waDisconnect")
        self.linked_label = QLabel(self)
        self.linked_label.setObjectName("waLinkedToday")
        self.log_list = log_list(self, "waLog")
        self.dead_letters_label = QLabel(self)
        self.dead_letters_label.setObjectName("waDeadLetters")
        self.retry_dead_letters_button = QPushButton(self.tr("Try again"), self)
        self.retry_dead_letters_button.setObjectName("waRetryDeadLetters")
        self.retry_dead_letters_button.clicked.connect(
            lambda: run_async(self._whatsapp.retry_dead_letters(self.account_id), self)
        )

        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._tick)
        self.connect_button.clicked.connect(lambda: run_async(self._service.connect(self.account_id), self))
        self.new_qr_button.clicked.connect(self._new_qr)
        self.phone_button.clicked.connect(self._pair_with_phone)
        self.disconnect_button.clicked.connect(self.confirm_disconnect)

        actions = QHBoxLayout()
        actions.addWidget(self.connect_button)
        actions.addWidget(self.disconnect_button)
        actions.addStretch(1)
        phone_row = QHBoxLayout()
        phone_row.addWidget(self.phone_field, 1)
        phone_row.addWidget(self.phone_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.qr_label)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.new_qr_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.pair_code_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(phone_row)
        layout.addLayout(actions)
        layout.addWidget(self.linked_label)
        layout.addWidget(QLabel(self.tr("Integration log"), self))
        layout.addWidget(self.log_list)
        dead_letters_row = QHBoxLayout()
        dead_letters_row.addWidget(self.dead_letters_label, 1)
        dead_letters_row.addWidget(self.retry_dead_letters_button)
        layout.addLayout(dead_letters_row)
        layout.addStretch(1)
        self.show_state(service.state(account_id))
        self.refresh_log()

    # -- state ---------------------------------------------------------------------------------------------------

    def state_words(self, state: AccountState) -> tuple[str, str]:
        """The state in words, and what the attendant can do about it."""
        texts = {
            "not_connected": (self.tr("Not connected"), self.tr("Press “Connect WhatsApp” and scan the QR code.")),
            "waiting_qr": (
                self.tr("Waiting for the QR code to be read"),
                self.tr("On the phone: WhatsApp › Linked devices › Link a device, then point it at the code."),
            ),
            "connecting": (self.tr("Connecting"), ""),
            "online": (
                self.tr("Connected"),
                self.tr("This computer shows up on the phone as “%1”.").replace("%1", self._whatsapp.device_name),
            ),
            "reconnecting": (self.tr("Reconnecting"), self.tr("The connection dropped; DeskChat is restoring it.")),
            "offline": (
                self.tr("No internet"),
                self.tr("WhatsApp cannot be reached. DeskChat keeps trying; your messages wait in the outbox."),
            ),
            "server_unavailable": (
                self.tr("Server unavailable — next attempt in %1 s"),
                self.tr("The server answers but refuses service for now. DeskChat keeps trying."),
            ),
            "auth_required": (
                self.tr("Sign-in needed"),
                self.tr("The server refused the sign-in. Connect again to sign in."),
            ),
            "logged_out": (
                self.tr("Disconnected by the phone"),
                self.tr("This computer was unlinked on the phone. Connect again to scan a new QR code."),
            ),
            "replaced": (
                self.tr("Opened on another device"),
                self.tr("This WhatsApp session was opened elsewhere. Connect again to use it here."),
            ),
            "banned": (
                self.tr("Temporarily blocked until %1"),
                self.tr("WhatsApp blocked this number for a while (too many messages). Wait, then connect again."),
            ),
            "outdated": (
                self.tr("DeskChat update needed"),
                self.tr("WhatsApp no longer accepts this version. Ask IT to update DeskChat."),
            ),
        }
        words, hint = texts.get(state.state, (state.state, ""))
        if state.state == "banned":
            until = clock_time(state.banned_until) if state.banned_until else "?"
            words = words.replace("%1", until)
        if state.state == "server_unavailable":
            words = words.replace("%1", f"{state.retry_in:.0f}" if state.retry_in is not None else "?")
        if state.state == "not_connected" and state.detail == "qr_expired":
            hint = self.tr("The QR code expired. Generate a new one when the phone is at hand.")
        if state.state == "online" and state.detail:
            words = f"{words} — {state.detail}"
        return words, hint

    def show_state(self, state: AccountState) -> None:
        words, hint = self.state_words(state)
        self.status_label.setText(words)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        pairing = state.state == "waiting_qr"
        expired = state.state == "not_connected" and state.detail == "qr_expired"
        connected = state.state in ("online", "connecting", "reconnecting", "offline", "server_unavailable")
        self.qr_label.setVisible(pairing and self.qr_label.pixmap() is not None and not self.qr_label.pixmap().isNull())
        self.countdown_label.setVisible(pairing)
        self.new_qr_button.setVisible(expired)
        self.phone_field.setVisible(pairing)
        self.phone_button.setVisible(pairing)
        self.connect_button.setVisible(not pairing and not connected and not expired)
        self.disconnect_button.setVisible(state.state != "not_connected" or expired)
        if not pairing:
            self._countdown.stop()
            self.qr_label.clear()
            self.pair_code_label.clear()
        self.linked_label.setText(linked_today_text(self._service, self.account_id))

    def on_state_changed(self, account_id: int, _state: str, _detail: str) -> None:
        if account_id == self.account_id:
            self.show_state(self._service.state(account_id))

    # -- QR codes ------------------------------------------------------------------------------------------------

    def on_qr(self, account_id: int, code: str, _index: int, expires_in: float) -> None:
        if account_id != self.account_id:
            return
        self.qr_label.setPixmap(qr_pixmap(code))
        self.qr_label.setVisible(True)
        self._seconds_left = int(expires_in)
        self._show_countdown()
        self._countdown.start()

    def _tick(self) -> None:
        self._seconds_left = max(0, self._seconds_left - 1)
        self._show_countdown()
        if self._seconds_left == 0:
            self._countdown.stop()

    def _show_countdown(self) -> None:
        if self._seconds_left > 0:
            text = self.tr("This code changes in %1 s").replace("%1", str(self._seconds_left))
        else:
            text = self.tr("Waiting for the next code…")
        self.countdown_label.setText(text)

    def seconds_left(self) -> int:
        return self._seconds_left

    def _new_qr(self) -> None:
        self.new_qr_button.hide()
        run_async(self._whatsapp.new_qr(self.account_id), self)

    def _pair_with_phone(self) -> None:
        phone = self.phone_field.text().strip()
        if not phone:
            self.phone_field.setFocus()
            return

        async def pair() -> None:
            try:
                code = await self._whatsapp.pair_with_phone(self.account_id, phone)
            except ValueError:
                self.notices.warning(self.tr("This is not a phone number: %1").replace("%1", phone))
                return
            self.pair_code_label.setText(f"{code[:4]}-{code[4:]}" if len(code) == 8 else code)
            self.hint_label.setText(
                self.tr("On the phone: Linked devices › Link a device › Link with phone number, and type this code.")
            )

        run_async(pair(), self)

    # -- disconnecting -------------------------------------------------------------------------------------------

    def confirm_disconnect(self) -> None:
        run_async(self.disconnect_if_confirmed(), self)

    async def disconnect_if_confirmed(self) -> None:
        """Ask first (without stopping anything else), then unlink the number."""
        question = self.tr(
            "Disconnect this number from DeskChat? WhatsApp unlinks this computer and its session is deleted; "
            "the conversations already received stay here."
        )
        if await confirmed(self.notices, question):
            await self._service.disconnect(self.account_id)
            self.disconnected.emit(self.account_id)

    # -- log -----------------------------------------------------------------------------------------------------

    def event_words(self, event: str) -> str:
        """An integration-log event in the attendant's words (unknown ones are shown as recorded)."""
        return {
            **common_event_words(),
            "account_added": self.tr("Number added"),
            "qr": self.tr("QR code shown"),
            "pair_code": self.tr("Pairing code shown"),
            "login_status": self.tr("Pairing"),
            "stream_error": self.tr("Connection error"),
            "history_sync": self.tr("History received"),
            "offline_sync": self.tr("Catching up on messages"),
            "offline_sync_done": self.tr("Caught up"),
            "dead_letter": self.tr("A received message could not be read"),
            "dead_letters_retried": self.tr("Reading the unreadable messages again"),
            "logout_failed": self.tr("Logout on WhatsApp failed"),
            "logout_skipped_offline": self.tr("Logout on WhatsApp skipped (offline)"),
            "session_delete_postponed": self.tr("Session file removed on next start"),
            "bot_tag_on": self.tr("Warning: started without NEONIZE_BOT_TAG=off"),
        }.get(event, event)

    def refresh_log(self) -> None:
        fill_log(self.log_list, self._service, self.account_id, self.event_words)
        unreadable = self._whatsapp.dead_letter_count(self.account_id)
        self.dead_letters_label.setText(self.tr("%n message(s) could not be read", "", unreadable))
        self.dead_letters_label.setVisible(unreadable > 0)
        self.retry_dead_letters_button.setVisible(unreadable > 0)

    def on_logged(self, account_id: int) -> None:
        if account_id == self.account_id:
            self.refresh_log()
