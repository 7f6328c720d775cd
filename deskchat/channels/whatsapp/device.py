"""How this computer appears on the phone under "Linked devices" (no neonize import: the UI shows it too)."""

from __future__ import annotations

import platform

import phonenumbers

from deskchat.core.identity import normalize_phone


def device_name() -> str:
    """ "DeskChat (<OS>)", the name WhatsApp shows next to a desktop icon."""
    os_label = {"Windows": "Windows", "Darwin": "macOS", "Linux": "Linux"}.get(platform.system(), platform.system())
    return f"DeskChat ({os_label})"


def own_number(jid_user: str) -> str:
    """The linked account's number for people ("+55 11 98765-4321"), or "" when unknown."""
    e164 = normalize_phone(f"{jid_user}@s.whatsapp.net") if jid_user else None
    if e164 is None:
        return ""
    if e164.startswith("+55") and len(e164) == 13:  # a pre-2016 Brazilian mobile id: libphonenumber calls it invalid
        area, subscriber = e164[3:5], e164[5:]
        return f"+55 {area} {subscriber[:4]}-{subscriber[4:]}"
    return str(phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL))
