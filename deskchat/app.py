"""The composition root: options → profile → store → runtime → window, on one qasync loop; ordered shutdown."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from deskchat.cli import Options, parse_args
from deskchat.config import LANGUAGE, Settings, load_settings
from deskchat.logs import configure_logging
from deskchat.paths import Profile, default_profile_dir
from deskchat.tuning import tune_for_responsiveness
from deskchat.ui.display_check import NO_DISPLAY_EXIT_CODE, NO_DISPLAY_MESSAGE, missing_display
from deskchat.ui.private_copies import remove_leftover_copies

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from deskchat.runtime import Runtime
    from deskchat.services.crm_accounts import CrmAccount
    from deskchat.store.database import Store
    from deskchat.ui.main_window import MainWindow

log = logging.getLogger("deskchat.app")


#: neonize's Go side tags every 1:1 message as sent by a bot unless this is in the environment the process started
#: with (Go reads the environment once, when its library loads; setting it later from Python has no effect).
NEONIZE_ENVIRONMENT = {"NEONIZE_BOT_TAG": "off"}


def _restart_with_neonize_environment(argv: list[str] | None) -> None:
    """Start again, once, with :data:`NEONIZE_ENVIRONMENT` (installers' launchers set it, so they skip this)."""
    if all(os.environ.get(key) == value for key, value in NEONIZE_ENVIRONMENT.items()):
        return
    os.environ.update(NEONIZE_ENVIRONMENT)
    if os.name != "posix" or getattr(sys, "frozen", False) or os.environ.get("DESKCHAT_NO_RESTART"):
        return  # the adapter logs "bot_tag_on" so IT sees it
    arguments = sys.argv[1:] if argv is None else argv
    os.execv(sys.executable, [sys.executable, "-m", "deskchat", *arguments])


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if missing_display(sys.platform, os.environ):
        print(NO_DISPLAY_MESSAGE, file=sys.stderr, end="")
        return NO_DISPLAY_EXIT_CODE
    if not options.demo and not options.self_test:
        _restart_with_neonize_environment(argv)
    if os.name == "posix":
        os.umask(0o077)  # everything DeskChat creates is private to the attendant
    # --self-test alone checks a throwaway demo profile; with --profile it checks that profile (no channel is started)
    throwaway = options.demo or (options.self_test and options.profile is None)
    root = Path(tempfile.mkdtemp(prefix="deskchat-demo-")) if throwaway else options.profile or default_profile_dir()
    profile = Profile(root).ensure()
    configure_logging(profile.log_dir, verbose=options.verbose)
    remove_leftover_copies(profile.root)  # plaintext copies of opened files a crashed run left behind
    try:
        return _run(options, profile, throwaway)
    finally:
        if throwaway:
            logging.shutdown()
            shutil.rmtree(root, ignore_errors=True)


def _run(options: Options, profile: Profile, throwaway: bool) -> int:
    started = time.perf_counter()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from deskchat.ui.i18n import install_translations

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("DeskChat")
    app.setOrganizationName("DeskChat")
    preferences = load_settings(profile)
    install_translations(app, interface_language(options, preferences))

    # Paint first: the window's frame (geometry, menu, the panes' places) before the store and the services load.
    from deskchat.ui.first_paint import FirstPaintProbe
    from deskchat.ui.main_window import MainWindow, WindowServices

    settings = QSettings(str(profile.ui_state_file), QSettings.Format.IniFormat)
    window = MainWindow(None, settings, demo=throwaway)
    probe = FirstPaintProbe(started, window)
    window.installEventFilter(probe)
    window.show()
    app.processEvents()

    store = _open_store(profile, throwaway, window)
    if store is None:
        window.close()
        return 1
    from deskchat.ui.store_dialogs import DamageNotice

    store.on_damage(DamageNotice(window).report)  # damage a later read or write finds is told in words
    try:
        if throwaway:
            from deskchat.demo.generator import populate_demo

            populate_demo(store)
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        import qasync

        from deskchat.demo.mail_html import demo_images
        from deskchat.runtime import Runtime
        from deskchat.ui.crash import install_crash_hooks

        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        install_crash_hooks(loop)  # a bug in a slot, task, callback or thread: logged and shown, never fatal
        # neonize runs each blocking Go call in the default executor; several accounts need more than cores + 4
        loop.set_default_executor(ThreadPoolExecutor(max_workers=32, thread_name_prefix="deskchat-io"))
        runtime = Runtime(
            store,
            demo=throwaway,
            whatsapp_sessions=None if throwaway else profile.whatsapp_dir,
            settings=preferences,
        )
        window.attach(
            WindowServices(
                store,
                runtime.bus,
                runtime.messaging,
                runtime.tickets,
                demo=throwaway,
                whatsapp=runtime.whatsapp,
                accounts=runtime.accounts,
                reading=runtime.reading,
                settings=preferences,
                conversation_start=runtime.conversation_start,
                people=runtime.people,
                email_sending=runtime.email_sending,
                fetch_mail_body=runtime.email.fetch_body_now if runtime.email is not None else None,
                image_fetcher=demo_images if throwaway else None,
                email=runtime.email,
                crm=runtime.crm,
                crm_sync=runtime.crm_sync,
                crm_conflicts=runtime.crm_conflicts,
            )
        )
        _follow_crm(store, runtime, window)
        window.repaint()
        probe.mark_ready()
        if options.self_test:
            return _self_test(app, window)
        closed = asyncio.Event()
        app.setQuitOnLastWindowClosed(False)  # the loop must keep running for the ordered shutdown below
        app.lastWindowClosed.connect(closed.set)
        from deskchat.ui.interrupt import close_on_interrupt

        close_on_interrupt(window)  # Ctrl+C in the terminal closes the window: the same ordered shutdown

        async def run() -> bool:
            tune_for_responsiveness()
            runtime.start()
            # a store too big to check every page while the attendant waited is checked now; damage is told
            checking = (
                None
                if store.checked_at_open
                else asyncio.get_running_loop().run_in_executor(None, store.check_integrity)
            )
            connecting = asyncio.ensure_future(runtime.connect_channels())  # after the first paint
            await closed.wait()
            connecting.cancel()
            if checking is not None:
                checking.cancel()
            return await runtime.stop()

        with loop:
            stuck = loop.run_until_complete(run())
        if stuck:
            # A neonize client did not stop in time and would keep the process alive: everything is stored and
            # the store is closed below, so end here rather than hang.
            log.warning("a WhatsApp client did not stop in time; ending the process")
            store.close()
            logging.shutdown()
            os._exit(0)
        return 0
    finally:
        store.close()


def _follow_crm(store: Store, runtime: Runtime, window: MainWindow) -> None:
    """The info pane's CRM actions: over the profile's CRM account as soon as there is one (kept and queued while the
    CRM is away), then over the connected account, which wakes the outbox and knows the signed-in attendant."""
    from deskchat.services.crm_desk import CrmDesk, local_crm_desk

    window.info_pane.set_desk(local_crm_desk(store))

    def ready(account: CrmAccount) -> None:
        desk = CrmDesk(store, account.push, me=lambda: account.client.attendant_id, remote=lambda: account.client)
        window.info_pane.set_desk(desk)

    runtime.crm_listeners.append(ready)


def interface_language(options: Options, preferences: Settings) -> str:
    """``--lang``, else ``DESKCHAT_LANG``, else the ``ui.language`` setting (which the IT policy may set)."""
    return options.language or os.environ.get("DESKCHAT_LANG") or preferences.get(LANGUAGE)


def _open_store(profile: Profile, throwaway: bool, window: QWidget) -> Store | None:
    from deskchat.store.database import Store
    from deskchat.store.keys import PassphraseRequired, StoreKeyError
    from deskchat.ui.store_dialogs import ask_passphrase, show_store_error

    passphrase: str | None = None
    while True:
        try:
            return Store.open(profile, passphrase=passphrase, ephemeral=throwaway)
        except PassphraseRequired as needed:
            passphrase = ask_passphrase(needed, window)
            if passphrase is None:
                return None
        except StoreKeyError as refused:  # every refusal is explained; the store is never touched
            log.error("cannot open the store: %s", refused.problem.value)
            show_store_error(refused, window)
            return None
        except Exception as error:
            log.exception("cannot open the store")
            show_store_error(error, window)
            return None


def _self_test(app: object, window: object) -> int:
    from PySide6.QtWidgets import QApplication

    from deskchat.ui.main_window import MainWindow

    assert isinstance(app, QApplication) and isinstance(window, MainWindow)
    app.processEvents()
    image = window.grab()
    rows = window.conversation_pane.current_list().model().rowCount()
    window.close()
    if image.isNull() or rows == 0:
        print("DeskChat self-test FAILED: the window did not paint its conversations", file=sys.stderr)
        return 1
    print(f"DeskChat self-test ok: store opened, window painted ({image.width()}x{image.height()}), {rows} rows")
    return 0
