"""Run under a real X server (Xvfb): show the connection screen with a QR code emitted by a fake WhatsApp client,
then take a screenshot of it from the X server and save it. Used by test_qr_screenshot.py.

    python qr_screen_probe.py OUTPUT.png QR_TEXT
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "ui"))

from test_connections import FakeWhatsApp  # noqa: E402

from deskchat.paths import Profile  # noqa: E402
from deskchat.runtime import Runtime  # noqa: E402
from deskchat.store import accounts  # noqa: E402
from deskchat.store.clock import now_ms  # noqa: E402
from deskchat.store.database import Store  # noqa: E402
from deskchat.ui.main_window import MainWindow, WindowServices  # noqa: E402


def main(output: Path, qr_text: str) -> int:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as scratch:
        profile = Profile(Path(scratch) / "p")
        store = Store.open(profile, ephemeral=True)
        account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
        runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir, whatsapp_factory=FakeWhatsApp)
        services = WindowServices(
            store, runtime.bus, runtime.messaging, runtime.tickets, whatsapp=runtime.whatsapp, accounts=runtime.accounts
        )
        window = MainWindow(services, QSettings(str(profile.root / "w.ini"), QSettings.Format.IniFormat))
        window.show()
        dialog = window.open_connections()
        assert dialog is not None and runtime.accounts is not None
        service = runtime.accounts

        async def scenario() -> None:
            await service.connect(account_id)
            handle = service.handle(account_id)
            assert isinstance(handle, FakeWhatsApp)
            handle.show_qr(qr_text, 0, 60)
            await service.settle()
            for _ in range(20):  # let the X server map and paint the window
                app.processEvents()
                await asyncio.sleep(0.05)

        with loop:
            loop.run_until_complete(scenario())
            shot = app.primaryScreen().grabWindow(dialog.winId())
            shot.save(str(output), "PNG")
            loop.run_until_complete(service.settle())
            loop.run_until_complete(runtime.stop())
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
