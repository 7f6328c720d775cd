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
_SCHEMA_REF = "#/components/schemas/"


class _Cycle(Exception):
    """A schema that refers to itself: it is checked by the contract's own validator only."""


def _named(node: Any, schemas: dict[str, Any], seen: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """``node`` with its top-level ``$ref`` to a contract schema followed (and the schemas followed so far)."""
    while isinstance(node, dict) and set(node) == {"$ref"} and str(node["$ref"]).startswith(_SCHEMA_REF):
        name = str(node["$ref"]).removeprefix(_SCHEMA_REF)
        if name in seen:
            raise _Cycle(name)
        node, seen = schemas.get(name), (*seen, name)
    return node, seen


def _member(node: Any) -> dict[str, Any] | None:
    """An ``allOf`` member (its ``$ref`` followed) when only its ``properties`` can mark properties as evaluated."""
    if not isinstance(node, dict) or not set(node) <= _PLAIN_MEMBER_KEYS:
        return None
    return node


def _quick(node: Any, schemas: dict[str, Any], seen: tuple[str, ...], *, closable: bool) -> Any:
    """``node`` with every contract ``$ref`` written out in place (the same schema, checked without looking up
    references), and, where ``closable``, an ``allOf`` of plain members with ``unevaluatedProperties: false`` made
    ``additionalProperties: false`` over the properties its members name. ``closable`` holds only where a stricter
    schema can only make the whole stricter (the top, ``properties``, ``items``, ``allOf``): a body the quick schema
    accepts, the contract accepts too (every property is named by a member that holds, so every property was
    evaluated); a body it refuses is checked again by the contract's own schema, for the very same errors."""
    if isinstance(node, list):
        return [_quick(one, schemas, seen, closable=False) for one in node]
    node, seen = _named(node, schemas, seen)
    if not isinstance(node, dict):
        return node
    if (
        closable
        and node.get("unevaluatedProperties") is False
        and set(node) <= {"allOf", "unevaluatedProperties", "description"}
    ):
        members = [_member(_named(one, schemas, seen)[0]) for one in node.get("allOf", [])]
        if members and all(member is not None for member in members):
            named = {name for member in members if member for name in member.get("properties", {})}
            return {
                "allOf": [_quick(one, schemas, seen, closable=True) for one in node["allOf"]],
                "properties": dict.fromkeys(sorted(named), True),
                "additionalProperties": False,
            }
    quick: dict[str, Any] = {}
    for name, value in node.items():
        if name == "description":
            continue
        if name == "properties" and isinstance(value, dict):
            quick[name] = {key: _quick(one, schemas, seen, closable=closable) for key, one in value.items()}
        elif name in ("items", "allOf"):
            quick[name] = (
                [_quick(one, schemas, seen, closable=closable) for one in value]
                if isinstance(value, list)
                else _quick(value, schemas, seen, closable=closable)
            )
        elif isinstance(value, (dict, list)) and name not in ("enum", "const", "required", "type", "examples"):
            quick[name] = _quick(value, schemas, seen, closable=False)
        else:
            quick[name] = value
    return quick


@cache
def _quick_validator(schema_name: str) -> Draft202012Validator | None:
    """A quicker check that a body is fine (see :func:`_quick`); None when the schema refers to itself."""
    schemas: dict[str, Any] = contract()["components"]["schemas"]
    if schema_name not in schemas:
        return None
    try:
        quick = _quick({"$ref": _SCHEMA_REF + schema_name}, schemas, (), closable=True)
    except _Cycle:
        return None
    if "$ref" in str(quick):
        return None  # a reference outside the contract's schemas: leave it to the contract's validator
    return Draft202012Validator(quick, format_checker=_formats)


def validate(schema_name: str, body: object) -> None:
    quick = _quick_validator(schema_name)
    if quick is not None and quick.is_valid(body):
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
