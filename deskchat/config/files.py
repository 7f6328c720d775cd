"""Reading settings files forgivingly and writing them atomically.

A file is one JSON object. Keys are the schema's dotted keys (``"whatsapp.groups": "ignore"``); nested objects are
read too (``{"whatsapp": {"groups": "ignore"}}``), which IT may find easier to write. Anything that does not fit
(unreadable file, bad JSON, unknown key, wrong type) becomes a :class:`Problem` and is left out; nothing raises.
A hostile file (a FIFO, ``/dev/zero``, megabytes, deep nesting, huge numbers) is refused the same way
(:mod:`deskchat.config.bounded`), so DeskChat always starts.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskchat.config.bounded import (
    MAX_PROBLEMS_PER_FILE,
    RefusedFile,
    contains_refused_number,
    parse_json,
    read_bounded,
    shortened,
)
from deskchat.config.policy import MAIL_PROVIDERS_KEY
from deskchat.config.schema import BY_KEY, InvalidValue
from deskchat.paths import PRIVATE_FILE_MODE, make_private_dir


@dataclass(frozen=True)
class Problem:
    """Something in a settings or policy file that was ignored, and why (English, for the log and IT)."""

    file: Path
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else str(self.file)
        return f"{where}: {self.message}"


@dataclass
class FileValues:
    """What one file holds: valid values of known settings, entries it has that DeskChat does not know, problems."""

    values: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and key not in BY_KEY:
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = value
    return flat


def read_values(path: Path) -> FileValues:
    """The settings in ``path``; a missing file holds none (and is no problem). Never raises, never blocks."""
    found = FileValues()
    try:
        text = read_bounded(path).decode("utf-8-sig")  # Windows Notepad may save policy files with a BOM
    except FileNotFoundError:
        return found
    except RefusedFile as refused:
        found.problems.append(Problem(path, None, f"{refused}; every value in it is ignored"))
        return found
    except (OSError, UnicodeDecodeError) as error:
        found.problems.append(Problem(path, None, f"cannot be read ({error}); every value in it is ignored"))
        return found
    try:
        data = parse_json(text)
    except RefusedFile as refused:
        found.problems.append(Problem(path, None, f"{refused}; every value in it is ignored"))
        return found
    except json.JSONDecodeError as error:
        found.problems.append(Problem(path, None, f"is not valid JSON ({error}); every value in it is ignored"))
        return found
    if not isinstance(data, dict):
        found.problems.append(Problem(path, None, "is not a JSON object; every value in it is ignored"))
        return found
    problems: list[Problem] = []
    for key, value in _flatten(data).items():
        setting = BY_KEY.get(key)
        if setting is None:
            if not contains_refused_number(value):  # kept for a newer DeskChat; a refused number cannot be
                found.unknown[key] = value
            if not key.startswith(MAIL_PROVIDERS_KEY):  # the mail-provider table is read by its own module
                problems.append(Problem(path, shortened(key), "unknown setting, ignored"))
            continue
        try:
            found.values[key] = setting.check(value)
        except InvalidValue as error:
            problems.append(Problem(path, key, f"{error}; ignored"))
    if len(problems) > MAX_PROBLEMS_PER_FILE:
        more = len(problems) - MAX_PROBLEMS_PER_FILE
        problems = [*problems[:MAX_PROBLEMS_PER_FILE], Problem(path, None, f"{more} more problems not listed")]
    found.problems.extend(problems)
    return found


def write_atomically(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` (0600): a crash leaves the old file or the new one, never half of one."""
    make_private_dir(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2, sort_keys=True, ensure_ascii=False)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        if os.name == "posix":
            os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
