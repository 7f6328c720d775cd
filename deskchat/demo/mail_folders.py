"""The demo mailbox's folders for "Synced folders": a sample server's list, the choice kept for the session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

#: A sample server's folders besides INBOX and Sent (always synced, never offered).
DEMO_FOLDERS: Final = ("Arquivo", "Clientes/VIP", "Fornecedores", "Lixo eletrônico")


class DemoFolderChoice:
    """What the e-mail driver answers for a real mailbox, for the demo's simulated one."""

    def __init__(self) -> None:
        self._chosen: dict[int, list[str]] = {}

    async def folders(self, account_id: int) -> list[str]:
        return list(DEMO_FOLDERS)

    def synced_folders(self, account_id: int) -> list[str]:
        return list(self._chosen.get(account_id, []))

    async def set_synced_folders(self, account_id: int, names: Sequence[str]) -> None:
        self._chosen[account_id] = list(names)
