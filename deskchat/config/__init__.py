"""Declarative typed settings: one schema (:mod:`deskchat.config.schema`), the attendant's file, IT's policy on top.

Usable from every layer (no Qt here)::

    settings = load_settings(profile)
    if settings.get(SEND_READ_RECEIPTS): ...
"""

from __future__ import annotations

from deskchat.config.files import Problem
from deskchat.config.schema import (
    BY_KEY,
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
from deskchat.paths import Profile, policy_file


def load_settings(profile: Profile) -> Settings:
    """The profile's settings.json with this machine's IT policy file on top (:func:`deskchat.paths.policy_file`)."""
    return Settings.load(profile.settings_file, policy_file())


__all__ = [
    "BY_KEY",
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
