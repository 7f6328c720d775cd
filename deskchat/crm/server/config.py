"""The server's settings, passed to worker processes through the environment."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

ENV_NAME = "DESKCHAT_CRM_SERVER_CONFIG"

# Rules the server can break on purpose (--break RULE), to prove the conformance check notices.
BREAKABLE_RULES = ("idempotency", "etag", "cursor", "rate-limit", "problem-json")


@dataclass(frozen=True)
class ServerConfig:
    database_url: str = "sqlite:///deskchat-crm.sqlite3"
    faults: bool = False
    rate_limit: int = 6000
    rate_window_s: int = 60
    access_ttl_s: int = 900
    refresh_ttl_s: int = 30 * 24 * 3600
    in_flight_timeout_s: int = 30
    broken: tuple[str, ...] = field(default_factory=tuple)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServerConfig:
        raw = json.loads(os.environ[ENV_NAME])
        raw["broken"] = tuple(raw.get("broken", ()))
        return cls(**raw)
