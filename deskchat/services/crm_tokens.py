"""The CRM account's token pair, kept in the encrypted store so a restart needs no password (the password never is)."""

from __future__ import annotations

from collections.abc import Callable

from deskchat.crm.client import TokenPair
from deskchat.store import crm_records
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


class CrmTokenVault:
    """Pass :meth:`keep` as the client's ``on_tokens`` and :meth:`load` as its starting ``tokens``."""

    def __init__(self, store: Store, account_id: int, *, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._account_id = account_id
        self._clock = clock

    def load(self) -> TokenPair | None:
        with self._store.read() as conn:
            saved = crm_records.crm_tokens(conn, self._account_id)
        if saved is None:
            return None
        return TokenPair(saved["access_token"], saved["refresh_token"], saved["attendant_id"])

    def keep(self, pair: TokenPair | None) -> None:
        tokens = None
        if pair is not None:
            tokens = {
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "attendant_id": pair.attendant_id,
            }
        now = self._clock()
        self._store.write_now(lambda conn: crm_records.save_crm_tokens(conn, self._account_id, tokens, now=now))
