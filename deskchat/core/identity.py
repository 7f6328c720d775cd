"""Who a customer is: phone lines, WhatsApp JIDs and e-mail addresses in canonical form.

Phone numbers are stored as E.164 strings ("+5511987654321"). The rules of :func:`normalize_phone`:

* **WhatsApp JIDs** (``user[.agent][:device]@s.whatsapp.net``, also the legacy ``@c.us`` and ``@hosted``
  servers): the user part is already an international number of any country. It is accepted when
  phonenumbers knows the country code and the length is possible for that country, even when the number
  is not "valid" by phonenumbers' metadata: the WhatsApp server vouches for the line. This keeps the
  pre-2016 Brazilian mobile form "551187654321" (12 digits, no 9th digit) that old accounts still use.
  LIDs (``@lid``), groups (``@g.us``), broadcast lists and anything else give ``None``.
* **Typed numbers** (what people and systems write): NFKC-normalised, an optional ``tel:`` scheme and a
  trailing extension ("r. 201", "ramal 201", "ext. 201", "x201", "#201") are dropped, "0xx11" becomes
  "011". Any other letter makes the input garbage. The number is parsed with phonenumbers in
  ``default_region``, which understands the Brazilian trunk prefix with or without a carrier code
  ("011", "0 11", "015 11"). An input starting with "00" (and no "+") is first read as "00" + country code
  ("0055 11 ..."), then as phonenumbers reads it (Brazilian "00" + carrier code + country code).
  The result must be a *valid* number, with one exception: a Brazilian number in the legacy mobile form
  (DDD + 8 digits starting with 6-9) is accepted when its current form (DDD + 9 + the 8 digits) is valid.
  Typed numbers are never rewritten to the other 9th-digit form; :func:`same_person` and
  :func:`phone_variants` treat both forms as one line.
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
    text = unicodedata.normalize("NFKC", text).strip()
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
    """Whether two phone numbers or JIDs are the same line (Brazilian 9th-digit forms included).

    ``False`` when either input is not a phone number (LID, group, garbage).
    """
    first = normalize_phone(a, default_region)
    second = normalize_phone(b, default_region)
    if first is None or second is None:
        return False
    return not phone_variants(first).isdisjoint(phone_variants(second))


def phone_variants(e164: str) -> frozenset[str]:
    """The E.164 forms of one line: ``e164`` itself plus, for a Brazilian mobile, its other 9th-digit form.

    A Brazilian mobile is DDD + 9 + 8 digits starting with 6-9 (current form) or DDD + 8 digits starting
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
    address = address.strip().lower()
    if not _EMAIL_RE.fullmatch(address):
        return None
    return address


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
    if number is None:
        return None
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return _e164(number)


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
        if number is not None and (phonenumbers.is_valid_number(number) or _is_legacy_br_mobile(number)):
            return _e164(number)
    return None


def _is_legacy_br_mobile(number: phonenumbers.PhoneNumber) -> bool:
    """Whether ``number`` is a Brazilian mobile without the 9th digit whose current form is valid."""
    national = str(number.national_number)
    if number.country_code != _BR_COUNTRY_CODE or len(national) != 10 or national[2] not in _BR_MOBILE_LEADS:
        return False
    current = _parse(f"+{_BR_COUNTRY_CODE}{national[:2]}9{national[2:]}", None)
    return current is not None and phonenumbers.number_type(current) == phonenumbers.PhoneNumberType.MOBILE
