"""The log formatter replaces phone numbers, WhatsApp JIDs and e-mail addresses, and keeps what diagnoses a problem."""

from __future__ import annotations

import logging
import sys

import pytest

from deskchat.logs import PrivateFormatter, redact

HIDDEN = {
    "send to 5511987654321@s.whatsapp.net failed": "5511987654321",
    "LID 204780123456789@lid unknown": "204780123456789",
    "group 120363025246125888@g.us": "120363025246125888",
    "device 5511987654321.0:12@s.whatsapp.net": "5511987654321",
    "mail from joana.silva+loja@empresa.com.br": "joana.silva+loja@empresa.com.br",
    "typed +55 11 98765-4321 at pairing": "98765-4321",
    "typed (11) 98765-4321 at pairing": "98765-4321",
    "no phone number for 5511987654321": "5511987654321",
}

KEPT = [
    "account 3: message 12 failed after 3 attempts",
    "attachment 5 downloaded (1048576 bytes)",
    "store open: schema 4/4, key from keyring",
    "first paint 123 ms after start",
    "version 3.53.4",
]


@pytest.mark.parametrize("line", HIDDEN.keys())
def test_customer_identifiers_are_replaced_by_a_tag(line: str) -> None:
    redacted = redact(line)
    assert HIDDEN[line] not in redacted
    assert "<" in redacted


def test_the_same_value_gets_the_same_tag_within_a_run() -> None:
    assert redact("5511987654321@s.whatsapp.net") == redact("5511987654321@s.whatsapp.net")
    assert redact("5511987654321@s.whatsapp.net") != redact("5511900000000@s.whatsapp.net")


@pytest.mark.parametrize("line", KEPT)
def test_ids_counts_and_versions_are_kept(line: str) -> None:
    assert redact(line) == line


def test_the_formatter_redacts_arguments_and_tracebacks() -> None:
    try:
        raise ValueError("no chat 5511987654321@s.whatsapp.net")
    except ValueError:
        record = logging.LogRecord(
            "whatsmeow.Client", logging.WARNING, __file__, 1, "from %s: %s", ("+5511987654321", "x"), sys.exc_info()
        )
    line = PrivateFormatter("%(asctime)s %(name)s: %(message)s").format(record)
    assert "5511987654321" not in line
    assert "ValueError" in line and "whatsmeow.Client" in line


def test_a_broken_log_call_neither_raises_nor_leaks() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("Zelinda",), None)
    line = PrivateFormatter("%(message)s").format(record)
    assert "Zelinda" not in line
