"""What every account card on the connection screen has: the state in words, the integration log, the
automatic-linking counter and "Disconnect" with a confirmation (WhatsApp and e-mail cards build on these)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QVBoxLayout, QWidget

from deskchat.services.accounts import AccountsService
from deskchat.services.notices import Notices

LOG_HEIGHT = 160


def clock_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%H:%M:%S")


def status_label(parent: QWidget, object_name: str) -> QLabel:
    """The state in words: bold, a little larger, never markup."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


def hint_label(parent: QWidget, object_name: str) -> QLabel:
    """What the attendant can do about the state."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def log_list(parent: QWidget, object_name: str) -> QListWidget:
    widget = QListWidget(parent)
    widget.setObjectName(object_name)
    widget.setMaximumHeight(LOG_HEIGHT)
    return widget


def fill_log(widget: QListWidget, service: AccountsService, account_id: int, words: Callable[[str], str]) -> None:
    """The account's latest integration-log entries, each event in the attendant's words."""
    widget.clear()
    for entry in service.log_entries(account_id):
        line = f"{clock_time(entry.at)}  {words(entry.event)}"
        if entry.detail:
            line += f" — {entry.detail}"
        widget.addItem(line)


def linked_today_text(service: AccountsService, account_id: int) -> str:
    return QCoreApplication.translate("CardParts", "%1 conversations linked to cases automatically today").replace(
        "%1", str(service.linked_today(account_id))
    )


def common_event_words() -> dict[str, str]:
    """Integration-log events every channel records (the supervisor's and the accounts service's)."""
    return {
        "account_added": QCoreApplication.translate("CardParts", "Account added"),
        "state": QCoreApplication.translate("CardParts", "State"),
        "connect_attempt": QCoreApplication.translate("CardParts", "Connection attempt"),
        "connect_failure": QCoreApplication.translate("CardParts", "Connection refused"),
        "client_ended": QCoreApplication.translate("CardParts", "Connection ended"),
        "retry_scheduled": QCoreApplication.translate("CardParts", "Next attempt in"),
        "disconnected_by_attendant": QCoreApplication.translate("CardParts", "Disconnected by the attendant"),
        "resume_failed": QCoreApplication.translate("CardParts", "Session could not be resumed"),
    }


async def confirmed(notices: Notices, question: str) -> bool:
    """Ask before disconnecting (a window-modal box: nothing else stops meanwhile)."""
    disconnect, keep = (
        QCoreApplication.translate("CardParts", "Disconnect"),
        QCoreApplication.translate("CardParts", "Cancel"),
    )
    return await notices.ask(question, [disconnect, keep], cancel=keep) == disconnect


def demo_card(parent: QWidget, title: str, account_id: int) -> QGroupBox:
    """A sample account in the demo profile: its name and "Demo (simulated)", nothing to connect."""
    card = QGroupBox(title, parent)
    card.setObjectName(f"demoCard_{account_id}")
    layout = QVBoxLayout(card)
    label = status_label(card, "demoStatus")
    label.setText(QCoreApplication.translate("CardParts", "Demo (simulated)"))
    layout.addWidget(label)
    hint = hint_label(card, "demoHint")
    hint.setText(QCoreApplication.translate("CardParts", "Sample account: nothing is sent or received."))
    layout.addWidget(hint)
    return card
