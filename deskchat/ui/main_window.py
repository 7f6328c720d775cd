"""The attendant's window: conversations | chat | customer record, and the channels' state below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QWidget

from deskchat import __version__
from deskchat.config import GROUPS, Setting, Settings

# Everything that loads the store (SQLAlchemy) or the services is imported in attach(), after the first paint.
if TYPE_CHECKING:
    from deskchat.core.bus import EventBus
    from deskchat.services.accounts import AccountsService
    from deskchat.services.conversations_start import ConversationStarter
    from deskchat.services.crm_accounts import CrmDriver
    from deskchat.services.crm_conflicts import ConflictResolver
    from deskchat.services.crm_desk import CrmDesk
    from deskchat.services.crm_sync_status import CrmSyncMonitor
    from deskchat.services.email_accounts import EmailDriver
    from deskchat.services.email_sending import EmailSending
    from deskchat.services.messaging import MessagingService
    from deskchat.services.people import People
    from deskchat.services.reading import ReadingService
    from deskchat.services.tickets import TicketService
    from deskchat.services.whatsapp_accounts import WhatsAppDriver
    from deskchat.store.database import Store
    from deskchat.ui.bridge import BusBridge
    from deskchat.ui.connections.dialog import ConnectionsDialog
    from deskchat.ui.crm_banner import CrmBanner
    from deskchat.ui.crm_journal import CrmJournalDialog
    from deskchat.ui.new_conversation import NewConversationDialog
    from deskchat.ui.notifier import DesktopNotifier
    from deskchat.ui.panes.chat import ChatPane
    from deskchat.ui.panes.conversations import ConversationPane
    from deskchat.ui.panes.info import InfoPane
    from deskchat.ui.preferences import PreferencesDialog

DEFAULT_SIZES = [450, 620, 330]
LIST_RELOAD_DELAY_MS = 400


@dataclass
class WindowServices:
    store: Store
    bus: EventBus
    messaging: MessagingService
    tickets: TicketService
    demo: bool = False
    whatsapp: WhatsAppDriver | None = None
    accounts: AccountsService | None = None
    reading: ReadingService | None = None
    settings: Settings | None = None  # the runtime's, so the Preferences dialog reaches the services too
    conversation_start: ConversationStarter | None = None  # "Nova conversa" (Ctrl+N)
    people: People | None = None  # merges of contacts and their undo
    crm_desk: CrmDesk | None = None  # the info pane's CRM actions (editing, leads, cases)
    crm_sync: CrmSyncMonitor | None = None  # the CRM queue's state (banner, journal); the window reads one if None
    crm_conflicts: ConflictResolver | None = None  # the attendant's decisions on CRM conflicts
    email_sending: EmailSending | None = None  # the mail composer queues through it
    fetch_mail_body: Callable[[int, int], Awaitable[None]] | None = None  # a mail opened before its body came
    image_fetcher: Callable[[Iterable[str]], Mapping[str, bytes]] | None = None  # remote images (demo: local)
    email: EmailDriver | None = None  # adding mailboxes on the connection screen
    crm: CrmDriver | None = None  # the CRM account's sign-in (its card on the connection screen)


class MainWindow(QMainWindow):
    """Built in two steps so it paints first: the frame (title, menu, the three panes' places, geometry), then
    :meth:`attach` with the services once the store is open."""

    conversation_pane: ConversationPane
    chat_pane: ChatPane
    info_pane: InfoPane
    bridge: BusBridge
    crm_sync: CrmSyncMonitor
    crm_conflicts: ConflictResolver

    def __init__(
        self,
        services: WindowServices | None,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._settings = settings
        self._services: WindowServices | None = None
        demo = services.demo if services is not None else demo
        title = "DeskChat"
        if demo:
            title += " — " + self.tr("DEMO (sample data, discarded on exit)")
        self.setWindowTitle(title)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for _ in range(3):
            self.splitter.addWidget(QWidget(self))  # the panes' places until attach()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.channel_labels: dict[int, QLabel] = {}
        self._channel_names: dict[int, str] = {}
        self._unfollow_preferences: Any = lambda: None
        self.connections_dialog: ConnectionsDialog | None = None
        self.preferences_dialog: PreferencesDialog | None = None
        self.new_conversation_dialog: NewConversationDialog | None = None
        self.crm_journal_dialog: CrmJournalDialog | None = None
        self._restore_state()
        if services is None:
            self.statusBar().showMessage(self.tr("Opening your data…"))
        else:
            self.attach(services)

    @property
    def services(self) -> WindowServices:
        assert self._services is not None, "attach() first"
        return self._services

    def attach(self, services: WindowServices) -> None:
        """Fill the window: panes over the store, the bus bridge, shortcuts, menu and status bar."""
        from deskchat.ui.bridge import BusBridge
        from deskchat.ui.panes.chat import ChatPane
        from deskchat.ui.panes.conversations import ConversationPane
        from deskchat.ui.panes.info import InfoPane

        self._services = services
        store = services.store
        self.statusBar().clearMessage()
        self.preferences = services.settings if services.settings is not None else Settings.in_memory()
        self.conversation_pane = ConversationPane(store, self, group_mode=self.preferences.get(GROUPS))
        self.chat_pane = ChatPane(
            store,
            services.messaging.send_text,
            {
                "accept": services.tickets.accept,
                "close": services.tickets.close,
                "reopen": services.tickets.reopen,
            },
            services.messaging.retry,
            self,
            send_file=services.messaging.send_file,
            send_mail=services.email_sending.send_mail if services.email_sending is not None else None,
            save_signature=services.email_sending.save_signature if services.email_sending is not None else None,
            fetch_body=services.fetch_mail_body,
            image_fetcher=services.image_fetcher,
        )
        self.chat_pane.reply_channel.set_starter(services.conversation_start)
        self.info_pane = InfoPane(store, self, people=services.people, desk=services.crm_desk)
        for position, pane in enumerate((self.conversation_pane, self.chat_pane, self.info_pane)):
            placeholder = self.splitter.replaceWidget(position, pane)
            if placeholder is not None:
                placeholder.deleteLater()
        self._restore_splitter()

        self._build_status_bar()

        self.bridge = BusBridge(services.bus, self)
        self.bridge.message_stored.connect(self.chat_pane.model.on_message_stored)
        self.bridge.message_updated.connect(self.chat_pane.model.on_message_updated)
        # conversation changes come coalesced per frame: a burst of messages updates the lists in one pass
        self.bridge.conversations_changed.connect(self.conversation_pane.on_conversations_changed)
        self.bridge.conversations_changed.connect(self.chat_pane.on_conversations_changed)
        self.bridge.conversations_changed.connect(self._refresh_info_if_open)
        self.bridge.crm_records_pulled.connect(self._refresh_info_if_pulled)
        # bulk imports announce many resets in a row: reload the lists at most a few times a second
        self._reload_lists = QTimer(self)
        self._reload_lists.setSingleShot(True)
        self._reload_lists.setInterval(LIST_RELOAD_DELAY_MS)
        self._reload_lists.timeout.connect(self.conversation_pane.on_conversations_reset)
        self.bridge.conversations_reset.connect(self._schedule_list_reload)
        self.bridge.channel_state_changed.connect(self.set_channel_state)
        self.bridge.history_progressed.connect(self.show_history_progress)
        self.bridge.storage_full_changed.connect(self.show_storage_full)
        self._attach_crm_sync(services)
        self.conversation_pane.conversation_selected.connect(self.open_conversation)
        self._attach_notifier(services)

        QShortcut(QKeySequence.StandardKey.Find, self, self.conversation_pane.focus_search)
        for number in range(4):
            QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self, lambda n=number: self.conversation_pane.select_tab(n))
        QShortcut(QKeySequence("Ctrl+L"), self, self.chat_pane.focus_composer)
        self._unfollow_preferences = self.preferences.subscribe(self._preferences_changed)
        self._build_menu()

    def _attach_notifier(self, services: WindowServices) -> None:
        """Desktop notifications, the sound, and the unread total in the title and on the tray icon."""
        from deskchat.ui.notifier import DesktopNotifier

        self.notifier: DesktopNotifier = DesktopNotifier(
            self,
            services.store,
            services.bus,
            self.preferences,
            is_open=self.chat_pane.model.shows,  # every conversation of the open customer's timeline
            open_conversation=self.open_conversation,
        )

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&DeskChat"))
        self.new_conversation_action = QAction(self.tr("&New conversation…"), self)
        self.new_conversation_action.setObjectName("newConversationAction")
        self.new_conversation_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_conversation_action.triggered.connect(self.open_new_conversation)
        self.new_conversation_action.setEnabled(self.services.conversation_start is not None)
        menu.addAction(self.new_conversation_action)
        self.connections_action = QAction(self.tr("Service &integrations…"), self)
        self.connections_action.setObjectName("connectionsAction")
        self.connections_action.setShortcut(QKeySequence("Ctrl+I"))
        self.connections_action.triggered.connect(self.open_connections)
        if self.services.whatsapp is None and self.services.crm is None and not self.services.demo:
            self.connections_action.setEnabled(False)
            self.connections_action.setToolTip(self.tr("Not available in the demo profile"))
        menu.addAction(self.connections_action)
        self.preferences_action = QAction(self.tr("&Preferences…"), self)
        self.preferences_action.setObjectName("preferencesAction")
        self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(self.open_preferences)
        menu.addAction(self.preferences_action)
        self.crm_journal_action = QAction(self.tr("CRM sync &journal…"), self)
        self.crm_journal_action.setObjectName("crmJournalAction")
        self.crm_journal_action.setShortcut(QKeySequence("Ctrl+J"))
        self.crm_journal_action.triggered.connect(self.open_crm_journal)
        menu.addAction(self.crm_journal_action)
        menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    def open_connections(self) -> ConnectionsDialog | None:
        """Show the connection screen ("Integrações de Atendimento")."""
        demo = self.services.demo
        if not demo and (
            self.services.accounts is None or (self.services.whatsapp is None and self.services.crm is None)
        ):
            return None
        from deskchat.services.accounts import AccountsService
        from deskchat.ui.connections.dialog import ConnectionsDialog  # with the QR code libraries: not at start-up

        if self.connections_dialog is None:
            accounts = self.services.accounts or AccountsService(self.services.store, self.services.bus, {})
            self.connections_dialog = ConnectionsDialog(
                accounts,
                self.services.whatsapp,
                self.bridge,
                self,
                email=self.services.email,
                crm=self.services.crm,
                settings=self.services.settings,
                demo=demo,
            )
        self.connections_dialog.show()
        self.connections_dialog.raise_()
        return self.connections_dialog

    def _attach_crm_sync(self, services: WindowServices) -> None:
        """The CRM banner in the status bar and the journal, over the runtime's monitor (or one of the window's own,
        looking every few seconds, where the runtime runs no CRM, as in the demo)."""
        from deskchat.services.crm_conflicts import ConflictResolver
        from deskchat.services.crm_sync_status import POLL_S, CrmSyncMonitor
        from deskchat.ui.crm_banner import CrmBanner

        self.crm_sync = services.crm_sync or CrmSyncMonitor(services.store, services.bus)
        self.crm_conflicts = services.crm_conflicts or ConflictResolver(services.store)
        self.crm_banner: CrmBanner = CrmBanner(self)
        self.statusBar().insertPermanentWidget(self._first_permanent_index(), self.crm_banner)
        self.crm_banner.journal_requested.connect(self.open_crm_journal)
        self.crm_banner.reconnect_requested.connect(self.open_connections)
        self.bridge.crm_sync_changed.connect(self.crm_banner.show_status)
        status = self.crm_sync.status
        self.crm_banner.show_status(status.stalled, status.queued)
        if services.crm_sync is None:
            self._crm_poll = QTimer(self)
            self._crm_poll.setInterval(int(POLL_S * 1000))
            self._crm_poll.timeout.connect(self.crm_sync.refresh_now)
            self._crm_poll.start()
            QTimer.singleShot(0, self.crm_sync.refresh_now)
        self.info_pane.set_sync_badges(self._crm_sync_badge)

    def _crm_sync_badge(self, collection: str, crm_id: str) -> QWidget:
        """The sync state of one CRM record, for the info pane (a click on a problem opens it)."""
        from deskchat.ui.crm_sync_badge import CrmSyncBadge

        badge = CrmSyncBadge(self.services.store, self.bridge)
        badge.show_record(f"{collection}:{crm_id}")
        badge.activated.connect(self.open_crm_item)
        return badge

    def open_crm_journal(self) -> CrmJournalDialog:
        """Show the CRM sync journal (non-modal): what waits, what failed and why, what conflicts."""
        from deskchat.ui.crm_journal import CrmJournalDialog

        if self.crm_journal_dialog is None:
            self.crm_journal_dialog = CrmJournalDialog(
                self.services.store, self.crm_sync, self.crm_conflicts, self.bridge, self
            )
        else:
            self.crm_journal_dialog.reload()
        self.crm_journal_dialog.show()
        self.crm_journal_dialog.raise_()
        return self.crm_journal_dialog

    def open_crm_item(self, item_id: int) -> None:
        """The journal, and for a conflict its dialog (a sync badge's click)."""
        from deskchat.store.crm_queue import SyncState
        from deskchat.ui.tasks import run_async

        journal = self.open_crm_journal()
        entry = next((entry for entry in journal.entries if entry.item_id == item_id), None)
        if entry is not None and entry.state == SyncState.CONFLICT:
            run_async(journal.open_conflict(item_id, entry.label), self)

    def open_new_conversation(self) -> NewConversationDialog | None:
        """Show "Nova conversa" (non-modal): a conversation with a customer who has not written first."""
        if self.services.conversation_start is None:
            return None
        from deskchat.ui.new_conversation import NewConversationDialog

        if self.new_conversation_dialog is None:
            self.new_conversation_dialog = NewConversationDialog(self.services.conversation_start, self)
            self.new_conversation_dialog.started.connect(self._open_started_conversation)
        self.new_conversation_dialog.show()
        self.new_conversation_dialog.raise_()
        self.new_conversation_dialog.activateWindow()
        return self.new_conversation_dialog

    def _open_started_conversation(self, conversation_id: int) -> None:
        """The attendant is working on it now: show the "Em atendimento" tab and the chat, ready to type."""
        from deskchat.core.events import ConversationStatus
        from deskchat.ui.panes.conversations import TAB_ORDER

        self.activateWindow()
        self.conversation_pane.select_tab(TAB_ORDER.index(ConversationStatus.OPEN))
        self.open_conversation(conversation_id)
        self.chat_pane.send_by(conversation_id)  # the channel just started, not the one the customer last used
        self.chat_pane.composer.setFocus()

    def open_preferences(self) -> PreferencesDialog:
        """Show the Preferences dialog (window-modal, without a nested event loop)."""
        from deskchat.ui.preferences import PreferencesDialog

        if self.preferences_dialog is not None:
            self.preferences_dialog.close()
        self.preferences_dialog = PreferencesDialog(self.preferences, self)
        self.preferences_dialog.open()
        return self.preferences_dialog

    def _preferences_changed(self, changed: frozenset[Setting[Any]]) -> None:
        if GROUPS in changed:
            self.conversation_pane.set_group_mode(self.preferences.get(GROUPS))

    # -- status bar ----------------------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        if self.services.demo:
            demo = QLabel(" " + self.tr("DEMO") + " ", self)
            demo.setObjectName("demoBadge")
            demo.setStyleSheet("background: #f9a825; color: black; font-weight: bold; border-radius: 3px;")
            demo.setToolTip(self.tr("Sample data in a throwaway profile: nothing is sent and it is deleted on exit."))
            bar.addWidget(demo)
        from deskchat.store import accounts

        with self.services.store.read() as conn:
            rows = accounts.list_accounts(conn)
        for account in rows:
            self._add_channel_label(account.id, account.kind, account.name, account.state)
        self._storage_full_label = QLabel(self.tr("Disk full — received messages wait for space"), self)
        self._storage_full_label.setObjectName("storageFull")
        self._storage_full_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self._storage_full_label.hide()
        bar.insertPermanentWidget(self._first_permanent_index(), self._storage_full_label)  # not hidden by messages
        self._version_label = QLabel(f"v{__version__}", self)
        bar.addPermanentWidget(self._version_label)

    def _first_permanent_index(self) -> int:
        """Where the permanent widgets start in the status bar (after the demo badge, a normal widget)."""
        return 1 if self.services.demo else 0

    def _add_channel_label(self, account_id: int, kind: str, name: str, state: str) -> None:
        """One status-bar entry per account, before the version (accounts added later come at the end)."""
        bar = self.statusBar()
        label = QLabel(self)
        label.setObjectName(f"channelState_{account_id}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.channel_labels[account_id] = label
        kind_name = self._kind_name(kind)  # not twice: the CRM account is named "CRM", the demo's "CRM (demonstração)"
        self._channel_names[account_id] = (
            name if name.casefold().startswith(kind_name.casefold()) else f"{kind_name} {name}"
        )
        version = getattr(self, "_version_label", None)
        if version is not None:
            bar.removeWidget(version)
        bar.addPermanentWidget(label)
        if version is not None:
            bar.addPermanentWidget(version)
            version.show()
        self.set_channel_state(account_id, state, "")

    def _add_unknown_account(self, account_id: int) -> bool:
        """An account added while the window is open: give it its status-bar entry. False if it is not stored."""
        from deskchat.store import accounts

        with self.services.store.read() as conn:
            found = [row for row in accounts.list_accounts(conn) if row.id == account_id]
        if not found:
            return False
        account = found[0]
        self._add_channel_label(account.id, account.kind, account.name, account.state)
        return True

    def _kind_name(self, kind: str) -> str:
        if kind == "crm":
            return self.tr("CRM")
        return self.tr("WhatsApp") if kind == "whatsapp" else self.tr("E-mail")

    def state_text(self, state: str) -> str:
        return {
            "disconnected": self.tr("Not connected"),
            "not_connected": self.tr("Not connected"),
            "waiting_qr": self.tr("Waiting for the QR code to be read"),
            "connecting": self.tr("Connecting"),
            "online": self.tr("Connected"),
            "reconnecting": self.tr("Reconnecting"),
            "offline": self.tr("No internet"),
            "logged_out": self.tr("Disconnected by the phone"),
            "replaced": self.tr("Opened on another device"),
            "banned": self.tr("Temporarily blocked"),
            "outdated": self.tr("DeskChat update needed"),
            "demo": self.tr("Demo (simulated)"),
        }.get(state, state)

    def show_storage_full(self, full: bool) -> None:
        """While the disk is full, say so: what arrives waits (nothing is dropped) until space returns."""
        self._storage_full_label.setVisible(full)

    def show_history_progress(self, account_id: int, percent: int, messages: int) -> None:
        """WhatsApp's history arrives in pieces after linking: say how far it is."""
        if percent >= 100:
            text = self.tr("WhatsApp history received: %1 messages").replace("%1", f"{messages:,}".replace(",", "."))
        else:
            text = (
                self.tr("Receiving WhatsApp history: %1% (%2 messages)")
                .replace("%1", str(percent))
                .replace("%2", f"{messages:,}".replace(",", "."))
            )
        self.statusBar().showMessage(text, 0 if percent < 100 else 15_000)

    def set_channel_state(self, account_id: int, state: str, detail: str) -> None:
        label = self.channel_labels.get(account_id)
        if label is None:
            if not self._add_unknown_account(account_id):
                return
            label = self.channel_labels[account_id]
        text = f"{self._channel_names[account_id]}: {self.state_text(state)}"
        label.setText(f"{text} — {detail}" if detail and state == "online" else text)

    def _schedule_list_reload(self) -> None:
        if not self._reload_lists.isActive():
            self._reload_lists.start()

    # -- conversations -------------------------------------------------------------------------------------------

    def open_conversation(self, conversation_id: int) -> None:
        from deskchat.ui.tasks import run_async

        self.chat_pane.open_conversation(conversation_id)
        self.conversation_pane.show_open_conversation(conversation_id)
        if self.services.reading is not None:  # every conversation of the customer's timeline is read now
            for member in self.chat_pane.model.member_ids or [conversation_id]:
                run_async(self.services.reading.conversation_opened(member), self)
        # the chat paints first; the customer's record follows on the next turn of the loop
        QTimer.singleShot(0, lambda: self._show_info(conversation_id))

    def _show_info(self, conversation_id: int) -> None:
        if self.chat_pane.model.conversation_id == conversation_id:
            self.info_pane.show_conversation(conversation_id)

    def _refresh_info_if_open(self, conversation_ids: list[int]) -> None:
        if self.info_pane.conversation_id is not None and self.info_pane.conversation_id in conversation_ids:
            self.info_pane.show_conversation(self.info_pane.conversation_id)

    def _refresh_info_if_pulled(self, contact_ids: list[int], case_ids: list[int]) -> None:
        """A CRM pull changed records: refresh the info pane when it shows one (an edit in progress stays)."""
        from deskchat.store import conversations

        shown = self.info_pane.conversation_id
        if shown is None:
            return
        if not set(case_ids) & set(self.info_pane.case_cards):
            with self.services.store.read() as conn:
                row = conversations.get(conn, shown)
            if row is None or row.contact_id not in contact_ids:
                return
        self.info_pane.refresh()

    # -- state ---------------------------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self._settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1380, 820)
        self._restore_splitter()

    def _restore_splitter(self) -> None:
        splitter = self._settings.value("window/splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.setSizes(DEFAULT_SIZES)

    def save_state(self) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/splitter", self.splitter.saveState())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self._unfollow_preferences()
        if self._services is not None:
            self.chat_pane.drafts.save_now()
            self.chat_pane.mail_composer.save_now()
            self.bridge.detach()
            self.notifier.close()
            poll = getattr(self, "_crm_poll", None)
            if poll is not None:
                poll.stop()
        super().closeEvent(event)
