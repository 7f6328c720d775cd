"""The attendant's settings (profile/settings.json) with IT's policy file on top.

A value comes from, in order: the policy file (enforced: the setting is locked and cannot be changed), the
attendant's settings file, the schema's default. Only the attendant's values are ever written. Listeners (the
runtime, the window) are told which settings changed after a change has been saved, so it applies at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from deskchat.config.files import Problem, read_values, write_atomically
from deskchat.config.schema import SCHEMA, Setting

log = logging.getLogger("deskchat.config")

T = TypeVar("T")
Listener = Callable[[frozenset[Setting[Any]]], None]


class SettingLocked(Exception):
    """The IT policy sets this value; the attendant cannot change it."""

    def __init__(self, setting: Setting[Any]) -> None:
        super().__init__(f"{setting.key} is set by the IT policy")
        self.setting = setting


class Settings:
    """Effective settings. Build with :meth:`load` (files) or :meth:`in_memory` (nothing is read or written)."""

    def __init__(
        self,
        *,
        user: Mapping[str, Any] | None = None,
        policy: Mapping[str, Any] | None = None,
        file: Path | None = None,
        unknown: Mapping[str, Any] | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        self._user = dict(user or {})
        self._policy = dict(policy or {})
        self._unknown = dict(unknown or {})  # kept in the file as they were: a newer DeskChat may know them
        self.file = file
        self.problems: list[Problem] = list(problems)
        self._listeners: list[Listener] = []

    @classmethod
    def load(cls, settings_file: Path | None, policy_file: Path | None) -> Settings:
        """Read both files; every problem is logged, kept in :attr:`problems` and otherwise ignored."""
        user = read_values(settings_file) if settings_file is not None else None
        policy = read_values(policy_file) if policy_file is not None else None
        problems = [*(user.problems if user else []), *(policy.problems if policy else [])]
        for problem in problems:
            log.warning("setting ignored: %s", problem)
        settings = cls(
            user=user.values if user else None,
            policy=policy.values if policy else None,
            file=settings_file,
            unknown=user.unknown if user else None,
            problems=problems,
        )
        if settings._policy:
            log.info("IT policy %s sets %s", policy_file, ", ".join(sorted(settings._policy)))
        return settings

    @classmethod
    def in_memory(
        cls, values: Mapping[Setting[Any], Any] | None = None, *, policy: Mapping[Setting[Any], Any] | None = None
    ) -> Settings:
        """Defaults, ``values`` and ``policy`` kept in memory only (throwaway windows, tests); invalid ones raise."""
        return cls(
            user={setting.key: setting.check(value) for setting, value in (values or {}).items()},
            policy={setting.key: setting.check(value) for setting, value in (policy or {}).items()},
        )

    # -- reading -----------------------------------------------------------------------------------------------

    def get(self, setting: Setting[T]) -> T:
        if setting.key in self._policy:
            return self._policy[setting.key]  # type: ignore[no-any-return]
        if setting.key in self._user:
            return self._user[setting.key]  # type: ignore[no-any-return]
        return setting.default

    def is_locked(self, setting: Setting[Any]) -> bool:
        """Whether the IT policy sets ``setting`` (it is shown disabled, "definido pela TI")."""
        return setting.key in self._policy

    # -- changing ----------------------------------------------------------------------------------------------

    def change(self, changes: Mapping[Setting[Any], Any]) -> frozenset[Setting[Any]]:
        """Check, save and apply ``changes`` all together; returns the settings whose value changed.

        Nothing changes if any value is invalid or locked, or if the file cannot be written.

        Raises:
            InvalidValue: a value does not fit its setting.
            SettingLocked: the IT policy sets one of them.
            OSError: the settings file could not be written.
        """
        for setting, value in changes.items():
            if self.is_locked(setting):
                raise SettingLocked(setting)
            setting.check(value)
        before = {setting: self.get(setting) for setting in SCHEMA}
        previous = dict(self._user)
        for setting, value in changes.items():
            if value == setting.default:
                self._user.pop(setting.key, None)  # a later version's better default then applies
            else:
                self._user[setting.key] = value
        try:
            self.save()
        except OSError:
            self._user = previous
            raise
        changed = frozenset(setting for setting in SCHEMA if self.get(setting) != before[setting])
        if changed:
            log.info("settings changed: %s", ", ".join(sorted(setting.key for setting in changed)))
            for listener in list(self._listeners):
                listener(changed)
        return changed

    def save(self) -> None:
        """Write the attendant's values (and entries DeskChat does not know) to the settings file, if there is one."""
        if self.file is not None:
            write_atomically(self.file, {**self._unknown, **self._user})

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with the changed settings after every change; returns the function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe
