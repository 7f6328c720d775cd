"""Declarative typed settings: one schema (:mod:`deskchat.config.schema`), the attendant's file, IT's policy on top.

Usable from every layer (no Qt here)::

    settings = load_settings(profile)
    if settings.get(SEND_READ_RECEIPTS): ...
"""

from __future__ import annotations

import os
from pathlib import Path

from deskchat.config.files import Problem
from deskchat.config.policy import choose_policy_file, system_policy_file
from deskchat.config.schema import (
    BY_KEY,
    CRM_AUTO_LEAD,
    CRM_URL,
    GROUPS,
    LANGUAGE,
    NOTIFY_DESKTOP,
    NOTIFY_SOUND,
    REOPEN_WINDOW_HOURS,
    SCHEMA,
    SEND_READ_RECEIPTS,
    Choice,
    GroupMode,
    InvalidValue,
    Language,
    Setting,
)
from deskchat.config.settings import SettingLocked, Settings
from deskchat.paths import Profile


def load_settings(profile: Profile, system_policy: Path | None = None) -> Settings:
    """The profile's settings.json with the IT policy on top (:func:`deskchat.config.policy.choose_policy_file`).

    ``system_policy`` replaces this machine's system policy file (tests).
    """
    system = system_policy if system_policy is not None else system_policy_file()
    return Settings.load(profile.settings_file, choose_policy_file(system, os.environ))


__all__ = [
    "BY_KEY",
    "CRM_AUTO_LEAD",
    "CRM_URL",
    "GROUPS",
    "LANGUAGE",
    "NOTIFY_DESKTOP",
    "NOTIFY_SOUND",
    "REOPEN_WINDOW_HOURS",
    "SCHEMA",
    "SEND_READ_RECEIPTS",
    "Choice",
    "GroupMode",
    "InvalidValue",
    "Language",
    "Problem",
    "Setting",
    "SettingLocked",
    "Settings",
    "load_settings",
]
