"""Child process of the mail kill test: the real e-mail adapter on a real SQLCipher store.

``PROFILE IMAP_PORT SMTP_PORT USER EXPECTED``: open the store (adding the mailbox the first time), connect, print
"committing" after the first commit of this run (or at once when nothing is left to sync), and "synced" once
EXPECTED mails have their bodies stored; then wait to be killed (or exit when EXPECTED is 0).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from mail_app import MailApp

from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.paths import Profile
from deskchat.store import accounts
from deskchat.store.database import Store

PASSPHRASE = "mail kill-test passphrase"


async def main(profile_dir: Path, imap_port: int, smtp_port: int, user: str, expected: int) -> None:
    store = Store.open(Profile(profile_dir), passphrase=PASSPHRASE)
    app = MailApp(store, channel_options={"header_batch": 150, "body_group": 20})  # many commits to stop between
    rows = store.write_now(accounts.list_accounts)
    if rows:
        account_id = rows[0].id
    else:
        account = MailAccount(
            user,
            "Suporte",
            Server("127.0.0.1", imap_port, Security.NONE),
            Server("127.0.0.1", smtp_port, Security.NONE),
            SignIn.PASSWORD,
        )
        account_id = await app.driver.add_mailbox(account, password=user.split("@")[0] + "-pw")

    def complete() -> bool:
        return app.query("SELECT count(*) FROM messages WHERE body_state = 'full'") == [(expected,)]

    commits = app.ingest.commits
    await app.accounts.connect(account_id)
    await app.until(lambda: app.ingest.commits > commits or complete(), timeout=60)
    print("committing", flush=True)

    await app.until(complete, timeout=120)
    print("synced", flush=True)
    await app.stop()
    store.close()


if __name__ == "__main__":
    profile, imap, smtp, address, count = sys.argv[1:6]
    asyncio.run(main(Path(profile), int(imap), int(smtp), address, int(count)))
