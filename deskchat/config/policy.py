"""Which IT policy file applies: the system's, which nothing in the attendant's environment can move or switch off.

The system policy file is in a machine-wide folder only IT can write (:func:`system_policy_file`). When anything is
there, it applies, whatever the environment says: ``DESKCHAT_POLICY=/dev/null`` must not switch IT's policy off. Only
on a machine with no system policy is ``DESKCHAT_POLICY`` honoured, so IT can try a policy before rolling it out; a
policy read from there can only lock settings, which the attendant could as well leave alone.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Final

log = logging.getLogger("deskchat.config")

POLICY_VARIABLE: Final = "DESKCHAT_POLICY"
APP_FOLDER: Final = "DeskChat"
_WINDOWS_PROGRAM_DATA_FALLBACK: Final = r"C:\ProgramData"


def system_policy_location(platform: str, program_data: str | None = None) -> PurePath:
    """The machine-wide policy file on ``platform`` (``program_data``: Windows' ProgramData folder, if known)."""
    if platform == "win32":
        return PureWindowsPath(program_data or _WINDOWS_PROGRAM_DATA_FALLBACK, APP_FOLDER, "policy.json")
    if platform == "darwin":
        return PurePosixPath("/Library/Application Support", APP_FOLDER, "policy.json")
    return PurePosixPath("/etc/deskchat/policy.json")


def system_policy_file() -> Path:
    """This machine's system policy file (it may not exist)."""
    return Path(system_policy_location(sys.platform, _windows_program_data()))


def _windows_program_data() -> str | None:
    """ProgramData as the Windows shell knows it, not from the ``ProgramData`` variable (the attendant can set that)."""
    if sys.platform != "win32":
        return None
    import ctypes

    common_app_data = 0x23  # CSIDL_COMMON_APPDATA
    buffer = ctypes.create_unicode_buffer(1024)
    if ctypes.windll.shell32.SHGetFolderPathW(None, common_app_data, None, 0, buffer) == 0 and buffer.value:
        return buffer.value
    return None


def choose_policy_file(system: Path, environ: Mapping[str, str]) -> Path:
    """The policy file that applies: ``system`` when anything is there, else ``DESKCHAT_POLICY`` if set.

    Returns ``system`` when neither exists (a missing file is no policy).
    """
    override = environ.get(POLICY_VARIABLE, "")
    if os.path.lexists(system):  # even a broken or unreadable file: it is IT's, and it is reported as broken
        if override:
            log.warning("%s is ignored: the system policy file %s applies", POLICY_VARIABLE, system)
        return system
    if override:
        log.info("no system policy file at %s; using %s from %s", system, override, POLICY_VARIABLE)
        return Path(override)
    return system


MAIL_PROVIDERS_KEY: Final = "mail.providers."


def mail_provider_overrides(policy_file: Path) -> dict[str, dict[str, object]]:
    """IT's changes to the mail providers (``"mail": {"providers": {"google": {"client_id": …}}}``) by provider id.

    Read with the settings files' own bounds; a missing or broken file changes nothing.
    """
    from deskchat.config.files import read_values  # config.files imports the schema; keep this module light

    overrides: dict[str, dict[str, object]] = {}
    for key, value in read_values(policy_file).unknown.items():
        if key.startswith(MAIL_PROVIDERS_KEY):
            provider_id, _, field = key[len(MAIL_PROVIDERS_KEY) :].partition(".")
            if provider_id and field and "." not in field:
                overrides.setdefault(provider_id, {})[field] = value
    return overrides


def policy_mail_provider_overrides() -> dict[str, dict[str, object]]:
    """The mail-provider overrides of the policy file that applies on this machine."""
    return mail_provider_overrides(choose_policy_file(system_policy_file(), os.environ))
