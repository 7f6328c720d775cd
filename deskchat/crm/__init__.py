"""The company CRM: the REST contract DeskChat speaks (openapi.yaml), its conformance check and reference server.

The desktop app never imports ``deskchat.crm.server``: the reference server is a separate program with its own extra.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CONTRACT_FILE = "openapi.yaml"


def contract_path() -> Path:
    """The OpenAPI 3.1 file that defines the contract."""
    return Path(str(files(__package__).joinpath(CONTRACT_FILE)))
