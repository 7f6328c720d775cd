"""The left pane: search field, the tabs (Pendentes / Em atendimento / Encerrados / Grupos) and their lists.

The ``whatsapp.groups`` setting decides where group conversations go: ``separate`` lists them (whatever their ticket
status) in the Grupos tab and keeps them out of the three ticket tabs; ``mixed`` lists them in the ticket tabs like any
customer and hides the Grupos tab; ``ignore`` hides them everywhere (ingest no longer stores new ones).
"""

from __future__ import annotations

from typing import Final, Literal

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListView, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from deskchat.config import GroupMode
from deskchat.core.events import ConversationStatus
from deskchat.store import customer_list
from deskchat.store.conversations import ConversationRow, ListScope
from deskchat.store.database import Store
from deskchat.ui.conversation_delegate import ConversationDelegate
from deskchat.ui.models.conversation_list import PAGE_SIZE, ConversationIdRole, ConversationListModel
from deskchat.ui.models.search_results import ConversationIdRole as HitConversationRole
from deskchat.ui.models.search_results import SearchResultsModel
from deskchat.ui.models.tab_counts import TabCounts
from deskchat.ui.tasks import run_async
from deskchat.ui.worker_threads import run_in_thread

GROUPS_TAB: Final = "groups"
#: A tab of the list: one ticket status, or the groups.
TabKey = ConversationStatus | Literal["groups"]
TAB_ORDER: Final[tuple[TabKey, ...]] = (
    ConversationStatus.PENDING,
    ConversationStatus.OPEN,
    ConversationStatus.CLOSED,
    GROUPS_TAB,
)


def scope_of(tab: TabKey, group_mode: GroupMode) -> ListScope:
    """What ``tab`` lists under the ``whatsapp.groups`` setting ``group_mode``."""
    if tab == GROUPS_TAB:
        return ListScope(None, groups=True)
    return ListScope(ConversationStatus(tab).value, groups=None if group_mode == "mixed" else False)


def _count_keys(conversation_ids: list[int], fresh: dict[int, ConversationRow]) -> dict[int, tuple[str, bool] | None]:
    """Which tab each changed conversation counts in: a customer's row counts once, under its representative's id
    (its other conversations count nowhere); ``None`` for a conversation that is gone."""
    keys: dict[int, tuple[str, bool] | None] = {conversation_id: None for conversation_id in conversation_ids}
    for row in fresh.values():
        for member in row.member_ids or (row.id,):
            keys[member] = (row.status, row.is_group) if member == row.id else None
    return keys


class ConversationPane(QWidget):
    conversation_selected = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None, *, group_mode: GroupMode = "separate") -> None:
        super().__init__(parent)
        self._store = store
        self.group_mode: GroupMode = group_mode
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(self.tr("Search messages (Ctrl+F)"))
        self.search_field.setClearButtonEnabled(True)
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("statusTabs")
        self.tabs.setExpanding(True)
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.models: dict[TabKey, ConversationListModel] = {}
        self._stale: set[TabKey] = set()  # tabs to reload when next shown
        self.lists: dict[TabKey, QListView] = {}
        self.stack = QStackedWidget(self)
        delegate = ConversationDelegate(self)
        for status in TAB_ORDER:
            model = ConversationListModel(store, scope_of(status, group_mode), self)
            view = QListView(self)
            view.setObjectName(f"list_{status}")
            view.setModel(model)
            view.setItemDelegate(delegate)
            view.setUniformItemSizes(True)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setMouseTracking(True)
            view.clicked.connect(self._open_from_list)
            view.activated.connect(self._open_from_list)
            self.models[status] = model
            self.lists[status] = view
            self.stack.addWidget(view)
            self.tabs.addTab("")
        self.search_model = SearchResultsModel(store, self)
        self.search_view = QListView(self)
        self.search_view.setObjectName("searchResults")
        self.search_view.setModel(self.search_model)
        self.search_view.setWordWrap(True)
        self.search_view.setAlternatingRowColors(True)
        self.search_view.clicked.connect(self._open_from_search)
        self.search_view.activated.connect(self._open_from_search)
        self.stack.addWidget(self.search_view)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(self._search_timer.start)
        self.tabs.currentChanged.connect(self._show_tab)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search_field)
        layout.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)
        self.tabs.setTabVisible(TAB_ORDER.index(GROUPS_TAB), group_mode == "separate")
        self.open_conversation_id: int | None = None
        self._tab_counts = TabCounts({})
        self._changed_while_counting: dict[int, tuple[str, bool] | None] = {}
        self._count_generation = 0
        self.update_tab_titles()
        self.count_in_background()  # the per-conversation keys that let counts follow changes one by one

    # -- tabs --------------------------------------------------------------------------------------------------

    def update_tab_titles(self) -> None:
        """Count every tab now (one indexed query); live changes adjust the counts without this."""
        with self._store.read() as conn:
            counts = customer_list.counts(conn)
        if not self._tab_counts.ready:
            self._tab_counts.counts = counts
        self._set_tab_titles(counts)

    def _set_tab_titles(self, counts: dict[tuple[str, bool], int]) -> None:
        titles: dict[TabKey, str] = {
            ConversationStatus.PENDING: self.tr("Pending"),
            ConversationStatus.OPEN: self.tr("In progress"),
            ConversationStatus.CLOSED: self.tr("Closed"),
            GROUPS_TAB: self.tr("Groups"),
        }
        for position, status in enumerate(TAB_ORDER):
            count = self.models[status].scope.count(counts)
            self.tabs.setTabText(position, f"{titles[status]} {count}")
            self.tabs.setTabToolTip(position, f"{titles[status]}: {count}")

    def current_status(self) -> TabKey:
        """The tab shown: a ticket status, or :data:`GROUPS_TAB`."""
        return TAB_ORDER[self.tabs.currentIndex()]

    def current_list(self) -> QListView:
        return self.lists[self.current_status()]

    def select_tab(self, position: int) -> None:
        """Show the tab at ``position`` (Ctrl+1…4), unless the groups setting hides it."""
        if 0 <= position < len(TAB_ORDER) and self.tabs.isTabVisible(position):
            self.tabs.setCurrentIndex(position)

    def set_group_mode(self, group_mode: GroupMode) -> None:
        """Apply a new ``whatsapp.groups`` setting: group conversations move between the tabs at once."""
        if group_mode == self.group_mode:
            return
        self.group_mode = group_mode
        for status, model in self.models.items():
            model.scope = scope_of(status, group_mode)
        self._stale.update(TAB_ORDER)  # each tab reads its rows again when shown
        groups_position = TAB_ORDER.index(GROUPS_TAB)
        if group_mode != "separate" and self.tabs.currentIndex() == groups_position:
            self.tabs.setCurrentIndex(0)
        self.tabs.setTabVisible(groups_position, group_mode == "separate")
        current = self.current_status()
        if current in self._stale:
            self._stale.discard(current)
            self.models[current].reload()
        self._set_tab_titles(self._tab_counts.counts)
        self._keep_selection()

    def _show_tab(self, position: int) -> None:
        status = TAB_ORDER[position]
        if status in self._stale:
            self._stale.discard(status)
            self.models[status].reload()
            self._keep_selection()
        if not self.search_field.text().strip():
            self.stack.setCurrentWidget(self.lists[status])

    # -- selection and search ----------------------------------------------------------------------------------

    def _open_from_list(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationIdRole)
        if conversation_id is not None:
            self.conversation_selected.emit(int(conversation_id))

    def _open_from_search(self, index: QModelIndex) -> None:
        conversation_id = index.data(HitConversationRole)
        if conversation_id is not None:
            self.conversation_selected.emit(int(conversation_id))

    def run_search(self) -> None:
        query = self.search_field.text().strip()
        if not query:
            self.stack.setCurrentWidget(self.current_list())
            return
        self.search_model.run(query)
        self.stack.setCurrentWidget(self.search_view)

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    # -- the open conversation -------------------------------------------------------------------------------

    def show_open_conversation(self, conversation_id: int | None) -> None:
        """Highlight ``conversation_id`` (the chat shows it) in every tab that lists it, and nothing else."""
        self.open_conversation_id = conversation_id
        self._keep_selection()

    def _keep_selection(self) -> None:
        for status, view in self.lists.items():
            model = self.models[status]
            selection = view.selectionModel()
            position = model.row_of(self.open_conversation_id) if self.open_conversation_id is not None else -1
            if position < 0:
                if selection.hasSelection() or selection.currentIndex().isValid():
                    selection.clear()
                continue
            index = model.index(position, 0)
            if selection.currentIndex() != index or not selection.isSelected(index):
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # -- live updates ------------------------------------------------------------------------------------------

    def on_conversation_changed(self, conversation_id: int) -> None:
        self.on_conversations_changed([conversation_id])

    def on_conversations_changed(self, conversation_ids: list[int]) -> None:
        """Apply a frame's worth of changed conversations: one read, each tab updated in one pass, counts adjusted."""
        with self._store.read() as conn:
            fresh = customer_list.rows_of(conn, conversation_ids)
        for status, model in self.models.items():
            if status not in self._stale:
                model.apply_changes(conversation_ids, fresh)
        if self._tab_counts.ready:
            for conversation_id, key in _count_keys(conversation_ids, fresh).items():
                self._tab_counts.update(conversation_id, key)
            self._set_tab_titles(self._tab_counts.counts)
        else:  # the per-conversation keys are still being read: count them all once more
            self._changed_while_counting.update(_count_keys(conversation_ids, fresh))
            self.update_tab_titles()
        self._keep_selection()

    def count_in_background(self) -> None:
        """Recount every tab on a worker thread (at start and after ``ConversationsReset``).

        A plain thread, not the event loop: the pane is built before the loop runs.
        """
        self._tab_counts.ready = False
        self._changed_while_counting.clear()
        self._count_generation += 1
        generation = self._count_generation
        known = list(self._tab_counts.counts)
        store = self._store

        def work() -> TabCounts:
            with store.read() as conn:
                return TabCounts.counted(customer_list.tab_keys(conn), known)

        run_in_thread(work, lambda counted: self._take_counts(generation, counted), self, "tab-count")

    def _take_counts(self, generation: int, counted: TabCounts) -> None:
        if generation != self._count_generation:
            return  # a newer recount is running
        for conversation_id, key in self._changed_while_counting.items():
            counted.update(conversation_id, key)  # changes seen while the recount ran
        self._changed_while_counting.clear()
        self._tab_counts = counted
        self._set_tab_titles(counted.counts)

    def on_conversations_reset(self) -> None:
        """Many conversations changed: reload the visible tab now and the others when they are shown.

        The reads run on a worker thread (a bulk import may be writing meanwhile); only the swap happens here.
        """
        current = self.current_status()
        self._stale.update(status for status in TAB_ORDER if status != current)
        run_async(self._reload_in_background(current), self)
        self.count_in_background()

    async def _reload_in_background(self, status: TabKey) -> None:
        model = self.models[status]
        scope = model.scope
        first_page = await self._store.read_later(lambda conn: customer_list.page(conn, scope, None, PAGE_SIZE))
        model.replace_first_page(first_page)
        self._keep_selection()
