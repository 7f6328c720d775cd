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


_PLAIN_MEMBER_KEYS = frozenset(
    {"type", "properties", "required", "not", "minProperties", "maxProperties", "description"}
)


def _absolute(node: Any) -> Any:
    """``node`` with its contract-relative ``$ref``s made absolute (so it can be checked outside the contract)."""
    if isinstance(node, list):
        return [_absolute(one) for one in node]
    if not isinstance(node, dict):
        return node
    return {
        name: (
            _BASE + value if name == "$ref" and isinstance(value, str) and value.startswith("#") else _absolute(value)
        )
        for name, value in node.items()
    }


def _member(node: Any, schemas: dict[str, Any]) -> dict[str, Any] | None:
    """An ``allOf`` member with its top-level ``$ref`` followed, when only its ``properties`` can mark properties
    as evaluated (None otherwise)."""
    while isinstance(node, dict) and set(node) == {"$ref"} and str(node["$ref"]).startswith("#/components/schemas/"):
        node = schemas.get(str(node["$ref"]).removeprefix("#/components/schemas/"))
    if not isinstance(node, dict) or not set(node) <= _PLAIN_MEMBER_KEYS:
        return None
    return node


@cache
def _closed_validator(schema_name: str) -> Draft202012Validator | None:
    """A quicker equivalent of a schema that is ``allOf`` plain members and ``unevaluatedProperties: false``: the
    same members, and ``additionalProperties: false`` over the properties they name. A body it accepts, the contract
    accepts too (every property is named by a member that holds, so every property was evaluated); a body it refuses
    is checked again by the contract's own schema, for the very same errors. None when the schema is not so plain."""
    schemas: dict[str, Any] = contract()["components"]["schemas"]
    schema = schemas.get(schema_name)
    if not isinstance(schema, dict) or schema.get("unevaluatedProperties") is not False:
        return None
    if not set(schema) <= {"allOf", "unevaluatedProperties", "description"}:
        return None
    members = [_member(one, schemas) for one in schema.get("allOf", [])]
    if not members or any(member is None for member in members):
        return None
    named = {name for member in members if member for name in member.get("properties", {})}
    closed = {
        "allOf": _absolute(schema["allOf"]),
        "properties": dict.fromkeys(sorted(named), True),
        "additionalProperties": False,
    }
    registry: Registry[Any] = Registry().with_resource(_BASE, DRAFT202012.create_resource(contract()))
    return Draft202012Validator(closed, registry=registry, format_checker=_formats)


def validate(schema_name: str, body: object) -> None:
    closed = _closed_validator(schema_name)
    if closed is not None and closed.is_valid(body):
        return
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
