"""A DeskChat process draining its CRM outbox to the reference server over real HTTP; the CRM kill test SIGKILLs it.

Usage: ``python crm_kill_child.py PROFILE_DIR PASSPHRASE CRM_URL ACCOUNT_ID POINT N``.

The process opens the profile's real (SQLCipher) store, takes the CRM tokens kept there, and runs the real drainer
with the real CRM handler until nothing is left to send. ``POINT`` names where it kills itself with SIGKILL (no
clean-up of any kind) at the ``N``-th occurrence:

* ``request``  — a write is about to go out (the row is in flight in the store, nothing reached the CRM);
* ``response`` — the CRM answered a write (it committed) and the answer has not been read yet;
* ``done``     — inside the store transaction that marks an item done, before it commits;
* ``none``     — never (the parent may still kill it from outside at any moment).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
from sqlalchemy import Connection

from deskchat.channels.base import SendReceipt
from deskchat.core.bus import EventBus
from deskchat.crm.client import CrmClient
from deskchat.paths import Profile
from deskchat.services.crm_lane import CrmLane
from deskchat.services.crm_tokens import CrmTokenVault
from deskchat.services.outbox import OutboxDrainer
from deskchat.services.outbox.crm_handler import CrmCallHandler
from deskchat.store import outbox
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem, OutboxKind


class KillSwitch:
    def __init__(self, point: str, at: int) -> None:
        self.point, self.at, self.seen = point, at, 0

    def reached(self, point: str) -> None:
        if point != self.point:
            return
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


class KillingTransport(httpx.AsyncBaseTransport):
    """The real HTTP transport, with the kill switch around every write."""

    def __init__(self, switch: KillSwitch) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._switch = switch

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        write = request.method != "GET" and "/auth/" not in request.url.path
        if write:
            self._switch.reached("request")
        response = await self._inner.handle_async_request(request)
        if write:
            self._switch.reached("response")  # the status line is in: the CRM has committed
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class KillingHandler(CrmCallHandler):
    def __init__(self, switch: KillSwitch, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._switch = switch

    def settle_done(self, conn: Connection, item: OutboxItem, receipt: SendReceipt, now: int) -> int | None:
        result = super().settle_done(conn, item, receipt, now)
        self._switch.reached("done")  # the row says done, the transaction has not committed
        return result


async def drain(profile_dir: Path, passphrase: str, url: str, account_id: int, switch: KillSwitch) -> None:
    store = Store.open(Profile(profile_dir), passphrase=passphrase)
    vault = CrmTokenVault(store, account_id)
    client = CrmClient(url, tokens=vault.load(), on_tokens=vault.keep, transport=KillingTransport(switch))
    lane = CrmLane(account_id)
    drainer = OutboxDrainer(
        store, EventBus(), {account_id: lane}.get, [KillingHandler(switch, store, client, lane)], send_timeout_s=30
    )
    drainer.recover_interrupted()
    while True:
        await drainer.drain_once()
        due = store.write_now(lambda conn: outbox.next_due_at(conn, [OutboxKind.CRM_CALL]))
        if due is None:
            break
        # the drainer's own wait for the next due row (a backoff or a paused lane), as the app's loop waits
        await asyncio.sleep(min(5.0, max(0.0, max(due, lane.paused_until_ms) - now_ms()) / 1000))
    await client.aclose()
    store.close()


if __name__ == "__main__":
    directory, secret, crm_url, account, point, count = sys.argv[1:7]
    asyncio.run(drain(Path(directory), secret, crm_url, int(account), KillSwitch(point, int(count))))
