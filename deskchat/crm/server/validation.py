"""Request bodies are checked against the contract's own schemas (openapi.yaml), so the server cannot drift from it."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from deskchat.crm import contract_path
from deskchat.crm.server.problems import ProblemError

_BASE = "urn:deskchat-crm-contract"
_formats = FormatChecker(["uuid"])


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).tzinfo is not None


@cache
def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(contract_path().read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(_BASE, DRAFT202012.create_resource(contract()))
    return Draft202012Validator(
        {"$ref": f"{_BASE}#/components/schemas/{schema_name}"}, registry=registry, format_checker=_formats
    )


def validate(schema_name: str, body: object) -> None:
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda error: list(error.absolute_path))
    if errors:
        raise ProblemError(
            422,
            "invalid-body",
            "The body breaks the contract.",
            errors=[
                {"pointer": "/" + "/".join(str(part) for part in error.absolute_path), "detail": error.message[:300]}
                for error in errors[:20]
            ],
        )
