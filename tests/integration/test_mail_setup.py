"""Adding a mailbox through the connection screen, against the real Dovecot, SMTP and OAuth servers: a password
sign-in that ends "Connected" with the mail in the conversation list, a wrong password told in words with nothing
stored, the Google browser sign-in (endpoints from IT's policy file), and "Disconnect" that asks first and then
deletes the credentials."""

from __future__ import annotations

import json
import threading
import urllib.request
import webbrowser
from typing import Any

import pytest
from mail_app import mail_account
from mail_setup_desk import (  # noqa: F401  (the fixtures)
    Desk,
    answer,
    desk_fixture,
    fill_servers,
    mail,
    password_setup,
    policy_fixture,
    until,
)
from mailstack import MailStack, free_port
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from deskchat.core.events import ChannelKind
from deskchat.paths import Profile
from deskchat.store import mail_accounts
from deskchat.ui import tasks
from deskchat.ui.notices import QUESTION_OBJECT_NAME


def test_a_mailbox_added_with_its_password_connects_and_its_mail_reaches_the_list(
    desk: Desk, mail_stack: MailStack, qtbot: Any, profile: Profile
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    password = user.split("@")[0] + "-pw"
    mail_stack.dovecot.deliver(mail(user, "Pedido 4471 atrasado"), recipient=user)

    async def scenario() -> None:
        setup = password_setup(desk, mail_stack, user, password)
        dialog = desk.connections()
        qtbot.mouseClick(setup.connect_button, Qt.MouseButton.LeftButton)
        await until(lambda: len(dialog.mail_cards) == 1, "the mailbox's card")
        [card] = dialog.mail_cards.values()
        await until(lambda: card.status_label.text().startswith("Connected ("), "Connected")
        assert card.status_label.text() == f"Connected ({user})"
        assert not card.disconnect_button.isHidden()
        await until(lambda: "Cliente Teste" in desk.listed_titles(), "the customer's mail in the list")
        assert f"mail:{card.account_id}:sign_in" in desk.secrets()
        with desk.store.read() as conn:  # the password is a secret of the encrypted store, not a setting
            assert password not in json.dumps(mail_accounts.settings_of(conn, card.account_id))
        stored = b"".join(path.read_bytes() for path in profile.store_file.parent.glob(profile.store_file.name + "*"))
        assert password.encode() not in stored  # nor readable in the store's files

    desk.run(scenario())


def test_a_wrong_password_is_told_in_words_and_nothing_is_stored(desk: Desk, mail_stack: MailStack) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        setup = password_setup(desk, mail_stack, user, "not-the-password")
        dialog = desk.connections()
        assert await setup.submit() is None
        assert "refused this user name or password" in setup.status_label.text()
        assert setup.isVisible()  # the attendant can correct it
        assert dialog.mail_cards == {}
        assert desk.secrets() == []
        assert desk.runtime.accounts is not None
        assert desk.runtime.accounts.accounts(ChannelKind.EMAIL) == []

    desk.run(scenario())


def test_an_unreachable_server_is_told_in_words(desk: Desk, mail_stack: MailStack) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        setup = password_setup(desk, mail_stack, user, "whatever")
        setup.imap.port.setValue(free_port())
        assert await setup.submit() is None
        assert "Cannot reach the mail server 127.0.0.1" in setup.status_label.text()
        assert desk.secrets() == []

    desk.run(scenario())


def test_google_sign_in_in_the_browser_connects_the_mailbox(
    desk: Desk, mail_stack: MailStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    opened: list[str] = []

    def browser(url: str, *_args: Any, **_kwargs: Any) -> bool:  # consent, then the redirect to DeskChat's loopback
        opened.append(url)
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", browser)

    async def scenario() -> None:
        setup = desk.connections().open_mail_setup()
        assert setup is not None
        setup.provider_box.setCurrentIndex(setup.provider_box.findData("google"))
        fill_servers(setup, mail_stack, user)  # Gmail's servers replaced by the local ones
        pkce_checked = mail_stack.oauth.state.pkce_checked
        account_id = await setup.submit()
        assert account_id is not None, setup.status_label.text()
        assert opened and opened[0].startswith(mail_stack.oauth.base_url)  # IT's endpoint from the policy file
        assert mail_stack.oauth.state.pkce_checked == pkce_checked + 1
        card = desk.connections().mail_cards[account_id]
        await until(lambda: card.status_label.text() == f"Connected ({user})", "Connected")

    desk.run(scenario())


def test_disconnect_asks_first_then_the_card_and_the_credentials_go(
    desk: Desk, mail_stack: MailStack, qtbot: Any
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    def question(card: Any) -> bool:
        return any(box.isVisible() for box in card.findChildren(QMessageBox, QUESTION_OBJECT_NAME))

    async def scenario() -> None:
        setup = password_setup(desk, mail_stack, user, user.split("@")[0] + "-pw")
        account_id = await setup.submit()
        dialog = desk.connections()
        card = dialog.mail_cards[account_id]
        await until(lambda: card.status_label.text().startswith("Connected"), "Connected")

        qtbot.mouseClick(card.disconnect_button, Qt.MouseButton.LeftButton)
        await until(lambda: question(card), "the question")
        answer(card, "Cancel")
        await tasks.settle()
        assert dialog.mail_cards == {account_id: card}
        assert desk.secrets() == [f"mail:{account_id}:sign_in"]

        qtbot.mouseClick(card.disconnect_button, Qt.MouseButton.LeftButton)
        await until(lambda: question(card), "the question again")
        answer(card, "Disconnect")
        await until(lambda: dialog.mail_cards == {}, "the card to go")
        assert desk.secrets() == []
        with desk.store.read() as conn:
            assert mail_accounts.secret(conn, f"mail:{account_id}:sign_in") is None
        assert desk.runtime.accounts is not None
        await desk.runtime.accounts.settle()
        assert desk.runtime.accounts.state(account_id).state == "not_connected"

    desk.run(scenario())


def test_a_refused_password_asks_to_sign_in_again_and_the_new_one_connects(desk: Desk, mail_stack: MailStack) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    email, accounts = desk.runtime.email, desk.runtime.accounts
    assert email is not None and accounts is not None

    async def scenario() -> None:
        account_id = await email.add_mailbox(
            mail_account(mail_stack, user), password="changed-by-it"
        )  # the password changed since
        await accounts.connect(account_id)
        dialog = desk.connections()
        card = dialog.mail_cards[account_id]
        await until(lambda: card.status_label.text() == "Sign-in needed", "Sign-in needed")

        card.sign_in_button.click()
        again = dialog.mail_setup
        assert again is not None and again.address_field.text() == user
        again.password_field.setText(user.split("@")[0] + "-pw")
        assert await again.submit() == account_id
        await until(lambda: card.status_label.text() == f"Connected ({user})", "Connected again")
        assert list(dialog.mail_cards) == [account_id]  # the same mailbox, no second one

    desk.run(scenario())


def test_several_mailboxes_connect_side_by_side_and_one_is_not_added_twice(desk: Desk, mail_stack: MailStack) -> None:
    users = [mail_stack.dovecot.fresh_mailbox() for _ in range(2)]

    async def scenario() -> None:
        added = []
        for user in users:
            setup = password_setup(desk, mail_stack, user, user.split("@")[0] + "-pw")
            added.append(await setup.submit())
        dialog = desk.connections()
        assert sorted(dialog.mail_cards) == sorted(added)
        for account_id, user in zip(added, users, strict=True):
            card = dialog.mail_cards[account_id]
            await until(lambda card=card, user=user: card.status_label.text() == f"Connected ({user})", "Connected")

        again = password_setup(desk, mail_stack, users[0], users[0].split("@")[0] + "-pw")
        assert await again.submit() is None
        assert again.status_label.text() == "This mailbox is already connected."
        assert len(dialog.mail_cards) == 2

    desk.run(scenario())
