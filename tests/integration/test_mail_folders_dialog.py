""" "Synced folders" on a mailbox's card, against the real Dovecot: the server's folders are listed (INBOX, always
synced, is not offered), a folder the attendant checks is synced at once and its mail reaches the list, and the choice
is shown again next time."""

from __future__ import annotations

from typing import Any

from imapclient import IMAPClient
from mail_setup_desk import (  # noqa: F401  (the fixtures)
    Desk,
    desk_fixture,
    mail,
    password_setup,
    policy_fixture,
    until,
)
from mailstack import MailStack
from PySide6.QtCore import Qt

from deskchat.ui.connections.email_card import EmailCard


def _folder_with_mail(stack: MailStack, user: str, folder: str, subject: str) -> None:
    client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=10)
    try:
        client.login(user, user.split("@")[0] + "-pw")
        client.create_folder(folder)
        client.append(folder, mail(user, subject).replace(b"Cliente Teste", b"Fornecedor Arquivado"))
    finally:
        client.logout()


def _listed(card: EmailCard) -> dict[str, bool]:
    dialog = card.folders_dialog
    assert dialog is not None
    items = (dialog.folder_list.item(row) for row in range(dialog.folder_list.count()))
    return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}


def test_a_folder_checked_by_the_attendant_is_synced_and_shown_checked_next_time(
    desk: Desk, mail_stack: MailStack, qtbot: Any
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    _folder_with_mail(mail_stack, user, "Arquivo", "Nota fiscal antiga")

    async def scenario() -> None:
        account_id = await password_setup(desk, mail_stack, user, user.split("@")[0] + "-pw").submit()
        assert account_id is not None
        card = desk.connections().mail_cards[account_id]
        await until(lambda: card.status_label.text() == f"Connected ({user})", "Connected")
        assert "Fornecedor Arquivado" not in desk.listed_titles()  # only INBOX and Sent so far

        qtbot.mouseClick(card.folders_button, Qt.MouseButton.LeftButton)
        dialog = card.folders_dialog
        assert dialog is not None
        await dialog.loaded
        listed = _listed(card)
        assert listed["Arquivo"] is False and "INBOX" not in listed
        [item] = dialog.folder_list.findItems("Arquivo", Qt.MatchFlag.MatchExactly)
        item.setCheckState(Qt.CheckState.Checked)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.saved is not None
        await dialog.saved
        assert not dialog.isVisible()
        await until(lambda: "Fornecedor Arquivado" in desk.listed_titles(), "the archived folder's mail in the list")

        card.open_folders()
        assert card.folders_dialog is not None and card.folders_dialog is not dialog
        await card.folders_dialog.loaded
        assert _listed(card)["Arquivo"] is True
        card.folders_dialog.reject()

    desk.run(scenario())
