"""How the linked number and this computer are named on the connection screen."""

from __future__ import annotations

import pytest

from deskchat.channels.whatsapp.device import device_name, own_number


@pytest.mark.parametrize(
    ("jid_user", "shown"),
    [
        ("5511987654321", "+55 11 98765-4321"),
        ("551187654321", "+55 11 98765-4321"),  # a pre-2016 account id: the line in its 9-digit form
        ("14155552671", "+1 415-555-2671"),
        ("", ""),
        ("123456789012345", ""),  # not a phone number
    ],
)
def test_own_number(jid_user: str, shown: str) -> None:
    assert own_number(jid_user) == shown


def test_device_name() -> None:
    assert device_name().startswith("DeskChat (") and device_name().endswith(")")
