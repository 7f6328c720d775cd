"""Who a customer is: phone lines, WhatsApp JIDs and e-mail addresses in canonical form.

Phone numbers are stored as E.164 strings ("+5511987654321"), one canonical form per line. The rules of
:func:`normalize_phone`:

* **Invisible formatting** pasted around or inside a number (bidi marks U+200E/F, U+202A-E, U+2066-9, zero-width
  spaces and joiners, the BOM, no-break spaces) is ignored.
* **WhatsApp JIDs** (``user[.agent][:device]@s.whatsapp.net``, also the legacy ``@c.us`` and ``@hosted``
  servers): the user part is an international number of any country. LIDs (``@lid``), groups (``@g.us``),
  broadcast lists and anything else give ``None``.
* **Typed numbers** (what people and systems write): NFKC-normalised, an optional ``tel:`` scheme and a
  trailing extension ("r. 201", "ramal 201", "ext. 201", "x201", "#201") are dropped, "0xx11" becomes
  "011". Any other letter makes the input garbage. The number is parsed with phonenumbers in
  ``default_region``, which understands the Brazilian trunk prefix with or without a carrier code
  ("011", "0 11", "015 11"). An input starting with "00" (and no "+") is first read as "00" + country code
  ("0055 11 ..."), then as phonenumbers reads it (Brazilian "00" + carrier code + country code).
* **One form per line.** A Brazilian mobile written or sent without the 9th digit (DDD + 8 digits starting
  with 6-9, the pre-2016 form old WhatsApp accounts still use) becomes its 9-digit form, in every DDD.
  Mexico's legacy mobile prefix is folded: "+52 1 55 ..." becomes "+52 55 ...".
* The result must be a number that can exist (phonenumbers' ``is_valid_number``); anything else is ``None``.

The JID WhatsApp itself uses for a line (which may lack the 9th digit) is not a phone identity: the WhatsApp
adapter keeps it as the ``wa_pn`` identity and sends to it. :func:`phone_variants` still yields the legacy form
of a Brazilian mobile so that rows stored before canonical forms are found by either form.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import parseaddr
from typing import Final, Literal

import phonenumbers

JidKind = Literal["pn", "lid", "group", "broadcast", "other"]

_PN_SERVERS: Final = frozenset({"s.whatsapp.net", "c.us", "hosted"})
_LID_SERVERS: Final = frozenset({"lid", "hosted.lid"})
_JID_RE: Final = re.compile(
    r"(?P<user>[^@:.\s]+)(?:\.(?P<agent>[0-9]+))?(?::(?P<device>[0-9]+))?@(?P<server>[a-z0-9.\-]+)"
)
_ASCII_DIGITS_RE: Final = re.compile(r"[0-9]+")
_E164_RE: Final = re.compile(r"\+[1-9][0-9]{6,14}")

#: Longest input worth parsing; anything longer is not a phone number.
_MAX_PHONE_INPUT: Final = 64
_TEL_SCHEME_RE: Final = re.compile(r"^tel:", re.IGNORECASE)
#: A trailing extension: a marker after a separator or a digit, then up to 6 digits ("r. 201", "x201").
_EXTENSION_RE: Final = re.compile(
    r"(?:[\s,;]+|(?<=[0-9]))(?:ramal|r|ext|extens[aã]o|x|\#)\.?\s*:?\s*[0-9]{1,6}\s*$", re.IGNORECASE
)
#: Brazilian "0xx" + DDD written with literal x's standing for the carrier code: "(0xx11)", "0 XX 21".
_TRUNK_XX_RE: Final = re.compile(r"0\s*xx\s*(?=\(?\s*[0-9])", re.IGNORECASE)
#: What is left of a typed number may only hold digits, '+' and separators (phonenumbers reads letters as
#: vanity digits, "1-800-FLOWERS", which a customer record never means).
_TYPED_PHONE_RE: Final = re.compile(r"[0-9\s().+\-\u2010-\u2015]*[0-9][0-9\s().+\-\u2010-\u2015]*")

_BR_COUNTRY_CODE: Final = 55
_BR_MOBILE_LEADS: Final = "6789"
_MX_COUNTRY_CODE: Final = 52

#: Formatting characters that carry no digit: bidi marks and embeddings (often pasted around numbers from
#: right-to-left text or spreadsheets), zero-width spaces/joiners, word joiner, BOM; no-break spaces become spaces.
_INVISIBLE: Final = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_INVISIBLE.update(dict.fromkeys([0x00A0, 0x2007, 0x202F], " "))

_LOCAL_RE: Final = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_DOMAIN_RE: Final = r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)"
_EMAIL_RE: Final = re.compile(rf"{_LOCAL_RE}@{_DOMAIN_RE}")


def jid_kind(text: str) -> JidKind:
    """Classify a WhatsApp JID string.

    Returns:
        ``"pn"`` for a phone-number JID (digits on a user server, any device suffix), ``"lid"`` for a
        hidden-number LID, ``"group"`` for ``@g.us``, ``"broadcast"`` for ``@broadcast`` (status and
        broadcast lists) and ``"other"`` for anything else, including plain phone numbers.
    """
    match = _JID_RE.fullmatch(text.strip().lower())
    if match is None:
        return "other"
    server = match["server"]
    if server in _PN_SERVERS:
        return "pn" if _ASCII_DIGITS_RE.fullmatch(match["user"]) else "other"
    if server in _LID_SERVERS:
        return "lid"
    if server == "g.us":
        return "group"
    if server == "broadcast":
        return "broadcast"
    return "other"


def normalize_phone(text: str, default_region: str = "BR") -> str | None:
    """Canonical E.164 form of a typed phone number or a phone-number JID, ``None`` when it is not one.

    See the module docstring for the accepted forms.
    """
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).strip()
    if not text or len(text) > _MAX_PHONE_INPUT:
        return None
    if "@" in text:
        if jid_kind(text) != "pn":
            return None
        match = _JID_RE.fullmatch(text.lower())
        assert match is not None  # jid_kind matched it
        return _from_jid_user(match["user"])
    return _from_typed(text, default_region)


def same_person(a: str, b: str, *, default_region: str = "BR") -> bool:
    """Whether two phone numbers or JIDs are the same line (both normalise to one canonical form).

    ``False`` when either input is not a phone number (LID, group, garbage).
    """
    first = normalize_phone(a, default_region)
    second = normalize_phone(b, default_region)
    return first is not None and first == second


def phone_variants(e164: str) -> frozenset[str]:
    """The E.164 forms of one line: ``e164`` itself plus, for a Brazilian mobile, its other 9th-digit form.

    Only lookups need this (rows written before phones were stored in canonical form). A Brazilian mobile is
    DDD + 9 + 8 digits starting with 6-9 (current form) or DDD + 8 digits starting
    with 6-9 (legacy form); landlines (8 digits starting with 2-5) have no variant.

    Raises:
        ValueError: ``e164`` is not an E.164 string.
    """
    _check_e164(e164)
    country = str(_BR_COUNTRY_CODE)
    if not e164.startswith("+" + country):
        return frozenset({e164})
    national = e164[1 + len(country) :]
    ddd, subscriber = national[:2], national[2:]
    if "0" in ddd:
        return frozenset({e164})  # DDDs are 11-99 without a 0; 0800/0300 services have no variant
    if len(subscriber) == 9 and subscriber[0] == "9" and subscriber[1] in _BR_MOBILE_LEADS:
        return frozenset({e164, f"+{country}{ddd}{subscriber[1:]}"})
    if len(subscriber) == 8 and subscriber[0] in _BR_MOBILE_LEADS:
        return frozenset({e164, f"+{country}{ddd}9{subscriber}"})
    return frozenset({e164})


def whatsapp_user(e164: str) -> str:
    """The user part of a phone-number JID: the digits of ``e164`` without '+'.

    Raises:
        ValueError: ``e164`` is not an E.164 string.
    """
    _check_e164(e164)
    return e164[1:]


def normalize_email(text: str) -> str | None:
    """Lower-cased bare address of ``text`` ("Name <A@B.com>", "mailto:a@b.com"), ``None`` for garbage.

    Quoted local parts and IP-literal domains are not accepted; the domain needs a dot and a real TLD.
    """
    text = text.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    _, address = parseaddr(text)
    return bare_email(address.strip())


def bare_email(text: str) -> str | None:
    """Lower-cased ``text`` when it is, as it stands, a valid address ("A@B.com": no name, brackets, spaces or
    scheme), ``None`` otherwise. For such text this is what :func:`normalize_email` gives, without parsing it."""
    address = text.lower()
    return address if _EMAIL_RE.fullmatch(address) else None


def _check_e164(e164: str) -> None:
    if not _E164_RE.fullmatch(e164):
        raise ValueError(f"not an E.164 phone number: {e164!r}")


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _from_jid_user(digits: str) -> str | None:
    number = _parse("+" + digits, None)
    return None if number is None else _canonical(number)


def _from_typed(text: str, default_region: str) -> str | None:
    text = _TEL_SCHEME_RE.sub("", text)
    text = _EXTENSION_RE.sub("", text)
    text = _TRUNK_XX_RE.sub("0", text)
    if not _TYPED_PHONE_RE.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    candidates = [text]
    if digits.startswith("00") and "+" not in text:
        candidates.insert(0, "+" + digits[2:])
    for candidate in candidates:
        number = _parse(candidate, default_region)
        found = None if number is None else _canonical(number)
        if found is not None:
            return found
    return None


def _canonical(number: phonenumbers.PhoneNumber) -> str | None:
    """The one E.164 form of the line ``number`` (9th digit added, Mexican "1" folded); ``None`` if it cannot exist."""
    national = str(number.national_number)
    if number.country_code == _BR_COUNTRY_CODE and len(national) == 10 and national[2] in _BR_MOBILE_LEADS:
        current = _parse(f"+{_BR_COUNTRY_CODE}{national[:2]}9{national[2:]}", None)
        if current is not None and phonenumbers.number_type(current) == phonenumbers.PhoneNumberType.MOBILE:
            return _e164(current)
    if number.country_code == _MX_COUNTRY_CODE and len(national) == 11 and national[0] == "1":
        folded = _parse(f"+{_MX_COUNTRY_CODE}{national[1:]}", None)
        return None if folded is None or not phonenumbers.is_valid_number(folded) else _e164(folded)
    return _e164(number) if phonenumbers.is_valid_number(number) else None
