"""Tests of deskchat.core.identity: phone numbers, JIDs and e-mail addresses."""

from __future__ import annotations

import pytest

from deskchat.core.identity import (
    jid_kind,
    normalize_email,
    normalize_phone,
    phone_variants,
    same_person,
    whatsapp_user,
)

NORMALIZE_PHONE_CASES: list[tuple[str, str | None]] = [
    # international form, any separators
    ("+5511987654321", "+5511987654321"),
    ("+55 11 98765-4321", "+5511987654321"),
    ("+55 (11) 98765-4321", "+5511987654321"),
    ("+55 (11) 9 8765-4321", "+5511987654321"),
    ("+55.11.98765.4321", "+5511987654321"),
    ("  +55 11 98765-4321  ", "+5511987654321"),
    ("+55 11 98765–4321", "+5511987654321"),  # en dash pasted from a document
    ("tel:+55-11-98765-4321", "+5511987654321"),
    ("+55 11 2555-1234", "+551125551234"),
    # national forms
    ("(11) 98765-4321", "+5511987654321"),
    ("11 98765-4321", "+5511987654321"),
    ("11987654321", "+5511987654321"),
    ("21 2555 1234", "+552125551234"),
    ("(21) 2555-1234", "+552125551234"),
    # country code without '+' (CRM exports)
    ("5511987654321", "+5511987654321"),
    ("552125551234", "+552125551234"),
    ("55 98765-4321", "+5555987654321"),  # DDD 55 (Santa Maria), not the country code
    # international prefix 00
    ("0055 11 98765-4321", "+5511987654321"),
    ("00 55 21 2555-1234", "+552125551234"),
    ("00 1 415 555 2671", "+14155552671"),
    ("0021 1 415 555 2671", "+14155552671"),  # Brazilian 00 + carrier 21 + country code 1
    # trunk prefix 0, with literal xx or a carrier code
    ("(0xx11) 98765-4321", "+5511987654321"),
    ("0XX21 2555-1234", "+552125551234"),
    ("0 xx 21 2555-1234", "+552125551234"),
    ("0 21 2555-1234", "+552125551234"),
    ("011 98765-4321", "+5511987654321"),
    ("(011) 2555-1234", "+551125551234"),
    ("015 11 98765-4321", "+5511987654321"),
    ("0 21 11 98765-4321", "+5511987654321"),
    # extensions are dropped
    ("(11) 2555-1234 r. 201", "+551125551234"),
    ("(11) 2555-1234 R 201", "+551125551234"),
    ("11 2555-1234 ramal 201", "+551125551234"),
    ("11 2555-1234, ramal: 201", "+551125551234"),
    ("11 2555-1234 ext. 201", "+551125551234"),
    ("11 2555-1234 x201", "+551125551234"),
    ("11 2555-1234x201", "+551125551234"),
    # full-width digits
    ("＋５５ １１ ９８７６５-４３２１", "+5511987654321"),
    # legacy Brazilian mobile without the 9th digit: stored in its 9-digit form, in every DDD
    ("+55 11 8765-4321", "+5511987654321"),
    ("(11) 8765-4321", "+5511987654321"),
    ("1187654321", "+5511987654321"),
    ("+55 11 6765-4321", "+5511967654321"),
    ("+55 21 8765-4321", "+5521987654321"),  # Rio
    ("+55 31 9111-2222", "+5531991112222"),  # Belo Horizonte
    ("+55 61 9167-4800", "+5561991674800"),  # Brasília (whatsmeow#874)
    ("(85) 8765-4321", "+5585987654321"),  # Fortaleza
    ("+55 99 8765-4321", "+5599987654321"),  # Maranhão
    ("0055 11 8765-4321", "+5511987654321"),
    ("+55 (11) 9 8765-4321", "+5511987654321"),
    ("+55 11 2555-1234", "+551125551234"),  # a landline never gets a 9
    # invisible formatting characters pasted with a number are ignored
    ("\u200e+55 11 98765-4321\u200f", "+5511987654321"),  # LRM/RLM
    ("\u202a(11) 98765-4321\u202c", "+5511987654321"),  # LRE/PDF
    ("\u202b+55 11 98765-4321\u202c", "+5511987654321"),  # RLE
    ("\u202d11 98765-4321\u202c", "+5511987654321"),  # LRO
    ("\u202e11 98765-4321\u202c", "+5511987654321"),  # RLO
    ("\u2066+55 11 98765-4321\u2069", "+5511987654321"),  # LRI/PDI
    ("\u2067(11) 98765-4321\u2069", "+5511987654321"),  # RLI
    ("\u2068(11) 98765-4321\u2069", "+5511987654321"),  # FSI
    ("+55\u00a011\u00a098765-4321", "+5511987654321"),  # no-break spaces
    ("+55\u202f11\u202f98765\u202f4321", "+5511987654321"),  # narrow no-break spaces
    ("11\u200b98765\u200c4321\u200d", "+5511987654321"),  # zero-width space, non-joiner, joiner
    ("\ufeff+55 11 98765-4321", "+5511987654321"),  # BOM from a CSV export
    ("\u2060+55 11 8765-4321", "+5511987654321"),  # word joiner, legacy form
    ("5511987654321\u200e@s.whatsapp.net", "+5511987654321"),
    ("\u200e\u200f", None),
    # Mexico's legacy "1" after the country code for mobiles is folded
    ("+52 1 55 1234 5678", "+525512345678"),
    ("+52 55 1234 5678", "+525512345678"),
    ("00 52 1 33 1234 5678", "+523312345678"),
    ("5215512345678@s.whatsapp.net", "+525512345678"),
    ("525512345678@s.whatsapp.net", "+525512345678"),
    # other countries are left as they are
    ("+351 912 345 678", "+351912345678"),
    ("+54 9 11 2345-6789", "+5491123456789"),  # Argentina keeps its mobile 9
    ("+1 212 555 0123", "+12125550123"),
    ("447911123456@s.whatsapp.net", "+447911123456"),
    # special Brazilian numbers
    ("0800 123 4567", "+558001234567"),
    ("4004-0001", "+5540040001"),
    # other countries
    ("+1 (415) 555-2671", "+14155552671"),
    ("+44 20 7946 0958", "+442079460958"),
    # WhatsApp JIDs
    ("5511987654321@s.whatsapp.net", "+5511987654321"),
    ("5511987654321:12@s.whatsapp.net", "+5511987654321"),
    ("5511987654321.0:3@s.whatsapp.net", "+5511987654321"),
    ("5511987654321@c.us", "+5511987654321"),
    ("5511987654321@S.WhatsApp.Net", "+5511987654321"),
    ("551187654321@s.whatsapp.net", "+5511987654321"),  # 12-digit JID user: the 9th digit is added
    ("551187654321:7@s.whatsapp.net", "+5511987654321"),
    ("552187654321@s.whatsapp.net", "+5521987654321"),
    ("556191674800@s.whatsapp.net", "+5561991674800"),
    ("5561991674800@s.whatsapp.net", "+5561991674800"),  # 13-digit JID user
    ("551125551234@s.whatsapp.net", "+551125551234"),  # 12 digits, a landline: no 9
    ("5510987654321@s.whatsapp.net", None),  # DDD 10 does not exist
    ("551012345678@s.whatsapp.net", None),
    ("5511187654321@s.whatsapp.net", None),  # 13 digits without a mobile 9
    ("55119876543@s.whatsapp.net", None),  # too short
    ("14155552671@s.whatsapp.net", "+14155552671"),
    ("141555526710@s.whatsapp.net", None),  # too long for +1
    ("55119876543210@s.whatsapp.net", None),  # too long for +55
    ("5511@s.whatsapp.net", None),
    ("1@s.whatsapp.net", None),
    ("99912345678@s.whatsapp.net", None),  # unknown country code
    ("+5511987654321@s.whatsapp.net", None),  # not a JID
    ("abc@s.whatsapp.net", None),
    ("123456789012345@lid", None),
    ("123456789012345:4@lid", None),
    ("120363025246125486@g.us", None),
    ("5511987654321-1600000000@g.us", None),
    ("status@broadcast", None),
    ("5511987654321@newsletter", None),
    ("joao@example.com", None),
    # garbage
    ("", None),
    ("   ", None),
    ("abc", None),
    ("telefone", None),
    ("1-800-FLOWERS", None),
    ("11 9876S-4321", None),
    ("123", None),
    ("190", None),
    ("98765-4321", None),  # no DDD
    ("+55 10 98765-4321", None),  # DDD 10 does not exist
    ("+55 20 2555-1234", None),  # DDD 20 does not exist
    ("1234567890123456789", None),
    ("+12345678901234567", None),
    # numbers that cannot exist
    ("+55 11 18765-4321", None),  # a 9-digit subscriber must start with 9
    ("+55 11 0765-4321", None),
    ("+1 555 555 5555", None),  # fictional 555 range
    ("+44 20 1234", None),  # too short for London
    ("+52 1 00 1234 5678", None),
    ("(11) 98765-4321 r. 201 r. 202", None),
    ("9" * 80, None),
    ("+", None),
    ("()- .", None),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_PHONE_CASES)
def test_normalize_phone(text: str, expected: str | None) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("+55 11 98765-4321", "US", "+5511987654321"),
        ("+55 11 8765-4321", "US", "+5511987654321"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_normalize_phone_other_default_region(text: str, region: str, expected: str) -> None:
    assert normalize_phone(text, region) == expected


SAME_PERSON_CASES: list[tuple[str, str, bool]] = [
    ("+55 11 98765-4321", "(11) 98765-4321", True),
    ("+55 11 98765-4321", "5511987654321@s.whatsapp.net", True),
    ("+55 11 98765-4321", "5511987654321:12@s.whatsapp.net", True),
    ("+55 11 98765-4321", "551187654321@s.whatsapp.net", True),  # 9th digit
    ("(0xx11) 98765-4321", "551187654321:3@s.whatsapp.net", True),
    ("+55 11 8765-4321", "+55 11 98765-4321", True),
    ("551187654321@s.whatsapp.net", "5511987654321@s.whatsapp.net", True),
    ("+55 21 2555-1234", "0 21 2555-1234", True),
    ("(11) 2555-1234 r. 201", "+55 11 2555-1234", True),
    ("14155552671@s.whatsapp.net", "+1 (415) 555-2671", True),
    ("+55 11 2555-1234", "+55 11 92555-1234", False),  # landline is not a mobile
    ("\u200e+55 11 8765-4321", "+55 11 98765-4321", True),
    ("+52 1 55 1234 5678", "525512345678@s.whatsapp.net", True),
    ("+52 55 1234 5678", "+1 55 1234 5678", False),
    ("+55 11 98765-4321", "+55 21 98765-4321", False),  # other DDD
    ("+55 11 98765-4321", "+55 11 98765-4322", False),
    ("+55 11 98765-4321", "+55 11 88765-4321", False),
    ("+55 11 98765-4321", "123456789012345@lid", False),
    ("123456789012345@lid", "123456789012345@lid", False),  # a LID is not a phone
    ("garbage", "garbage", False),
    ("", "", False),
    ("+55 11 98765-4321", "status@broadcast", False),
    ("+1 415 555 2671", "+55 11 98765-4321", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), SAME_PERSON_CASES)
def test_same_person(a: str, b: str, expected: bool) -> None:
    assert same_person(a, b) is expected
    assert same_person(b, a) is expected


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+5511987654321", {"+5511987654321", "+551187654321"}),
        ("+551187654321", {"+551187654321", "+5511987654321"}),
        ("+551167654321", {"+551167654321", "+5511967654321"}),
        ("+5521976543210", {"+5521976543210", "+552176543210"}),
        ("+551125551234", {"+551125551234"}),  # landline
        ("+5511925551234", {"+5511925551234"}),  # 9 + landline-like digits: no old form
        ("+558001234567", {"+558001234567"}),  # 0800
        ("+5540040001", {"+5540040001"}),
        ("+14155552671", {"+14155552671"}),
        ("+11987654321", {"+11987654321"}),  # not Brazil
    ],
)
def test_phone_variants(e164: str, expected: set[str]) -> None:
    assert phone_variants(e164) == frozenset(expected)


@pytest.mark.parametrize("bad", ["5511987654321", "+55 11 98765-4321", "", "+0123456789", "+1"])
def test_phone_variants_rejects_non_e164(bad: str) -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        phone_variants(bad)


def test_whatsapp_user() -> None:
    assert whatsapp_user("+5511987654321") == "5511987654321"
    with pytest.raises(ValueError, match=r"E\.164"):
        whatsapp_user("5511987654321@s.whatsapp.net")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5511987654321@s.whatsapp.net", "pn"),
        ("5511987654321:12@s.whatsapp.net", "pn"),
        ("5511987654321.0:3@s.whatsapp.net", "pn"),
        ("5511987654321@c.us", "pn"),
        ("5511987654321:99@hosted", "pn"),
        ("123456789012345@lid", "lid"),
        ("123456789012345:2@lid", "lid"),
        ("123456789012345:99@hosted.lid", "lid"),
        ("120363025246125486@g.us", "group"),
        ("5511987654321-1600000000@g.us", "group"),
        ("status@broadcast", "broadcast"),
        ("1600000000@broadcast", "broadcast"),
        ("120363025246125486@newsletter", "other"),
        ("abc@s.whatsapp.net", "other"),
        ("+5511987654321", "other"),
        ("s.whatsapp.net", "other"),
        ("joao@example.com", "other"),
        ("", "other"),
    ],
)
def test_jid_kind(text: str, expected: str) -> None:
    assert jid_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("joao@example.com", "joao@example.com"),
        ("  Joao.Silva@Example.COM ", "joao.silva@example.com"),
        ("João Silva <Joao.Silva@Example.com.br>", "joao.silva@example.com.br"),
        ('"Silva, João" <joao@example.com>', "joao@example.com"),
        ("<joao+vendas@example.com>", "joao+vendas@example.com"),
        ("mailto:Joao@Example.com", "joao@example.com"),
        ("joao@sub.example.co.uk", "joao@sub.example.co.uk"),
        ("joao@xn--caf-dma.com.br", "joao@xn--caf-dma.com.br"),
        ("", None),
        ("   ", None),
        ("joao", None),
        ("joao@", None),
        ("@example.com", None),
        ("joao@example", None),
        ("joao@@example.com", None),
        ("joao..silva@example.com", None),
        (".joao@example.com", None),
        ("joao@-example.com", None),
        ("joao@example.c", None),
        ("joao silva@example.com", None),
        ("João Silva", None),
        ("<>", None),
        ("+55 11 98765-4321", None),
    ],
)
def test_normalize_email(text: str, expected: str | None) -> None:
    assert normalize_email(text) == expected
