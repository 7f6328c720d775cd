"""Mail whose body is to fetch, cut into FETCH groups: one folder (under one UIDVALIDITY) each, bounded in count and
in bytes (``RFC822.SIZE``), so a group is one round trip and one commit yet a few large attachments stay small in
memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from deskchat.channels.email.sinks import BodyToFetch

GROUP_MAX_MAILS: Final = 250
GROUP_MAX_BYTES: Final = 4 * 1024 * 1024


@dataclass
class BodyGroup:
    folder: str
    uidvalidity: int
    channel_ids: dict[int, str] = field(default_factory=dict)  # uid -> the stored message's channel id
    size: int = 0


def body_groups(
    wanted: Sequence[BodyToFetch], *, max_mails: int = GROUP_MAX_MAILS, max_bytes: int = GROUP_MAX_BYTES
) -> list[BodyGroup]:
    """``wanted`` in groups, keeping its order (newest first) within each folder."""
    groups: list[BodyGroup] = []
    open_groups: dict[tuple[str, int], BodyGroup] = {}
    for item in wanted:
        key = (item.folder, item.uidvalidity)
        group = open_groups.get(key)
        if group is not None and (len(group.channel_ids) >= max_mails or group.size + item.size > max_bytes):
            group = None
        if group is None:
            group = BodyGroup(item.folder, item.uidvalidity)
            open_groups[key] = group
            groups.append(group)
        group.channel_ids[item.uid] = item.channel_id
        group.size += max(item.size, 0)
    return groups
