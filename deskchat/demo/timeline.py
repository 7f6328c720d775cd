"""Working time of the demo: when attendants and customers write.

Today runs from 08:00 (local time) to "now"; when "now" is earlier than 10:00 today starts two hours before it, so
there is always a little of today. Earlier days are the previous weekdays, 08:00 to 18:00. Conversations are laid
out backwards from their last message: each gap is taken out of working time, so a long gap carries a
conversation into an earlier working day (and the chat view shows a day separator).
"""

from __future__ import annotations

from datetime import datetime, timedelta

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WORKDAY_MS = 10 * HOUR_MS  # 08:00-18:00
_OPENS = 8
_CLOSES = 18
_MIN_TODAY_MS = 2 * HOUR_MS


def local_datetime(ms: int) -> datetime:
    """Naive local date and time of a unix-ms timestamp."""
    return datetime.fromtimestamp(ms / 1000)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class WorkClock:
    """Working windows, newest first: index 0 is today (day start to now), then earlier weekdays."""

    def __init__(self, now_ms: int, past_days: int = 80) -> None:
        self.now = now_ms
        today = local_datetime(now_ms)
        opens = today.replace(hour=_OPENS, minute=0, second=0, microsecond=0)
        self.day_start = min(_ms(opens), now_ms - _MIN_TODAY_MS)
        self.windows: list[tuple[int, int]] = [(self.day_start, now_ms)]
        day = local_datetime(self.day_start).date()
        while len(self.windows) <= past_days:
            day -= timedelta(days=1)
            if day.weekday() >= 5:
                continue
            start = datetime(day.year, day.month, day.day, _OPENS)
            end = datetime(day.year, day.month, day.day, _CLOSES)
            if _ms(end) <= self.day_start:
                self.windows.append((_ms(start), _ms(end)))

    def window_of(self, at: int) -> int:
        """Index of the window holding ``at``; raises ValueError when it is outside working time."""
        for index, (start, end) in enumerate(self.windows):
            if start <= at <= end:
                return index
        raise ValueError(f"{at} is outside the demo's working time")

    def back(self, at: int, gap_ms: int) -> int:
        """The moment ``gap_ms`` of working time before ``at``."""
        index = self.window_of(at)
        moment = at - gap_ms
        while moment < self.windows[index][0]:
            overflow = self.windows[index][0] - moment
            index += 1
            if index >= len(self.windows):
                raise ValueError("gap reaches beyond the demo's working days")
            moment = self.windows[index][1] - overflow
        return moment

    def at(self, days_back: int, minutes: float) -> int:
        """``minutes`` after the start of working day ``days_back`` (0: today), kept inside that day's window."""
        start, end = self.windows[days_back]
        return max(start, min(end, start + int(minutes * MINUTE_MS)))

    @staticmethod
    def greeting_index(at: int) -> int:
        """0 before noon, 1 in the afternoon, 2 from 18:00 (for "Bom dia", "Boa tarde", "Boa noite")."""
        hour = local_datetime(at).hour
        return 0 if hour < 12 else 1 if hour < 18 else 2

    @staticmethod
    def next_weekday(at: int, days: int) -> datetime:
        """The ``days``-th weekday after the day of ``at``."""
        day = local_datetime(at)
        while days > 0:
            day += timedelta(days=1)
            if day.weekday() < 5:
                days -= 1
        return day
