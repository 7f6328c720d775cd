"""Asking for the store's passphrase and explaining, in words, why the store cannot be opened."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from deskchat.store.keys import KeyProblem, PassphraseRequired, StoreKeyError

MIN_PASSPHRASE = 8


def problem_text(error: StoreKeyError) -> str:
    """The attendant's explanation of a key problem; every one says the data was not touched."""
    untouched = QCoreApplication.translate("StoreDialogs", "Your data was not changed or deleted.")
    texts = {
        KeyProblem.NO_KEYRING: QCoreApplication.translate(
            "StoreDialogs",
            "This computer has no working password vault (keyring) for DeskChat to keep its encryption key in.",
        ),
        KeyProblem.PASSPHRASE_NEEDED: QCoreApplication.translate(
            "StoreDialogs", "DeskChat's data is protected by a passphrase."
        ),
        KeyProblem.RECORD_MISSING: QCoreApplication.translate(
            "StoreDialogs",
            "The file that says where DeskChat's encryption key is kept (store.json) is missing. "
            "Restore it from a backup or call IT support.",
        ),
        KeyProblem.RECORD_BROKEN: QCoreApplication.translate(
            "StoreDialogs",
            "The file that says where DeskChat's encryption key is kept (store.json) is damaged or is not DeskChat's. "
            "Restore it from a backup or call IT support.",
        ),
        KeyProblem.STORE_MISSING: QCoreApplication.translate(
            "StoreDialogs",
            "DeskChat's data file (deskchat.db) is missing from the profile folder, but the file that describes its "
            "key (store.json) is there. DeskChat did not create a new, empty store in its place. "
            "Restore deskchat.db from a backup or call IT support.",
        ),
        KeyProblem.STORE_EMPTY: QCoreApplication.translate(
            "StoreDialogs",
            "DeskChat's data file (deskchat.db) is empty (0 bytes), but the file that describes its key (store.json) "
            "is there. DeskChat did not create a new, empty store in its place. "
            "Restore deskchat.db from a backup or call IT support.",
        ),
        KeyProblem.STORE_DAMAGED: QCoreApplication.translate(
            "StoreDialogs",
            "DeskChat's data file (deskchat.db) is damaged: the encryption key is right, but part of the file cannot "
            "be read. Do not delete it. Restore it from a backup or call IT support.",
        ),
        KeyProblem.KEY_MISSING: QCoreApplication.translate(
            "StoreDialogs",
            "The encryption key of DeskChat's data is not in this session's password vault (keyring). "
            "Open DeskChat in the session where it was set up, or call IT support.",
        ),
        KeyProblem.KEY_CORRUPT: QCoreApplication.translate(
            "StoreDialogs", "The encryption key kept in the password vault is damaged. Call IT support."
        ),
        KeyProblem.EPHEMERAL_GONE: QCoreApplication.translate(
            "StoreDialogs", "This was a temporary demo profile; its key no longer exists."
        ),
        KeyProblem.WRONG_KEY: QCoreApplication.translate(
            "StoreDialogs", "The key or passphrase does not open DeskChat's data."
        ),
    }
    return f"{texts[error.problem]}\n\n{untouched}"


def ask_passphrase(error: PassphraseRequired, parent: QWidget | None = None) -> str | None:
    """Ask for the passphrase (twice for a new one); None if the attendant cancels."""
    if error.new_store:
        prompt = (
            problem_text(error).split("\n\n")[0]
            + "\n\n"
            + QCoreApplication.translate(
                "StoreDialogs",
                "Choose a passphrase of at least %1 characters to protect your data. "
                "Without it the data cannot be opened: keep it safe.",
            ).replace("%1", str(MIN_PASSPHRASE))
        )
        while True:
            first, ok = QInputDialog.getText(
                parent,
                QCoreApplication.translate("StoreDialogs", "Protect DeskChat's data"),
                prompt,
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return None
            if len(first) < MIN_PASSPHRASE:
                QMessageBox.warning(
                    parent,
                    "DeskChat",
                    QCoreApplication.translate("StoreDialogs", "The passphrase is too short."),
                )
                continue
            second, ok = QInputDialog.getText(
                parent,
                QCoreApplication.translate("StoreDialogs", "Protect DeskChat's data"),
                QCoreApplication.translate("StoreDialogs", "Type the passphrase again:"),
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return None
            if first == second:
                return first
            QMessageBox.warning(
                parent,
                "DeskChat",
                QCoreApplication.translate("StoreDialogs", "The two passphrases differ. Try again."),
            )
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("StoreDialogs", "Unlock DeskChat"),
        QCoreApplication.translate("StoreDialogs", "Type the passphrase that protects DeskChat's data:"),
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


def show_store_error(error: Exception, parent: QWidget | None = None) -> None:
    """Tell the attendant, in words, why the store cannot be opened (never a raw Python error)."""
    if isinstance(error, StoreKeyError):
        message = problem_text(error)
    else:
        message = QCoreApplication.translate(
            "StoreDialogs",
            "DeskChat's data could not be opened because of an unexpected problem. "
            "Call IT support: the details are in the log file (logs/deskchat.log).",
        )
    QMessageBox.critical(parent, QCoreApplication.translate("StoreDialogs", "DeskChat cannot open its data"), message)


class DamageNotice(QObject):
    """Tells the attendant, once and without blocking, that the store was found damaged after it opened.

    :meth:`report` may be called from any thread (the store's writer or reader finds the damage).
    """

    _found = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self.box: QMessageBox | None = None
        self._found.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self) -> None:
        self._found.emit()

    def _show(self) -> None:
        if self.box is not None:
            return
        self.box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("StoreDialogs", "DeskChat's data is damaged"),
            QCoreApplication.translate(
                "StoreDialogs",
                "DeskChat found damage in its data file (deskchat.db) while working. Messages may fail to be stored "
                "or shown. Close DeskChat, keep the file, and call IT support.",
            ),
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        self.box.setWindowModality(Qt.WindowModality.NonModal)
        self.box.show()
