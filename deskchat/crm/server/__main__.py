"""``python -m deskchat.crm.server``: create the schema, seed if asked, and serve the contract with uvicorn."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from deskchat.crm.server.config import BREAKABLE_RULES, ENV_NAME, ServerConfig
from deskchat.crm.server.database import create_schema, make_engine
from deskchat.crm.server.seed import SEED_PASSWORD, seed, seed_from_file


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m deskchat.crm.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DESKCHAT_CRM_DATABASE_URL", "sqlite:///deskchat-crm.sqlite3"),
        help="SQLAlchemy URL: sqlite:///file.sqlite3 (default) or postgresql+psycopg://user:pw@host/db",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes (all share the database)")
    parser.add_argument(
        "--seed", action="store_true", help=f"add seed data (users ana, bruno, carla; password {SEED_PASSWORD!r})"
    )
    parser.add_argument(
        "--seed-file",
        type=Path,
        help="add the queues, attendants, contacts and cases of a JSON file (the demo's; password as --seed)",
    )
    parser.add_argument("--faults", action="store_true", help="enable /admin/faults and /admin/ledger (tests only)")
    parser.add_argument("--rate-limit", type=int, default=6000, help="requests per window per user")
    parser.add_argument("--rate-window", type=int, default=60, help="rate-limit window in seconds")
    parser.add_argument("--access-ttl", type=int, default=900, help="access token lifetime in seconds")
    parser.add_argument("--in-flight-timeout", type=int, default=30, help="seconds before a stuck key may be retaken")
    parser.add_argument(
        "--break",
        dest="broken",
        action="append",
        default=[],
        choices=BREAKABLE_RULES,
        help="break a rule on purpose, to see the conformance check fail",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    config = ServerConfig(
        database_url=args.database_url,
        faults=args.faults,
        rate_limit=args.rate_limit,
        rate_window_s=args.rate_window,
        access_ttl_s=args.access_ttl,
        in_flight_timeout_s=args.in_flight_timeout,
        broken=tuple(args.broken),
    )
    engine = make_engine(config.database_url)
    create_schema(engine)
    if args.seed:
        seed(engine)
    if args.seed_file is not None:
        seed_from_file(engine, args.seed_file)
    engine.dispose()
    os.environ[ENV_NAME] = config.to_env()
    uvicorn.run(
        "deskchat.crm.server.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
