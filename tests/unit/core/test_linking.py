"""Tests of deskchat.core.linking: case ids in e-mail subjects."""

from __future__ import annotations

import pytest

from deskchat.core.linking import case_ids

CASE_ID_CASES: list[tuple[str, list[str]]] = [
    # the tag as sent and as it comes back
    ("[Caso #123]", ["123"]),
    ("[Caso #123] Pedido de orçamento", ["123"]),
    ("RE: RES: [caso #123]", ["123"]),
    ("ENC: Fwd: [CASO#123]", ["123"]),
    ("Re: Re: Re: [Caso #123] Re: [Caso #123]", ["123"]),
    ("(Caso #45) pedido", ["45"]),
    ("Pedido atrasado - Caso #45.", ["45"]),
    ("Caso #45, ainda sem resposta", ["45"]),
    # typed variants
    ("Caso 123", ["123"]),
    ("caso nº 123", ["123"]),
    ("Caso Nº123", ["123"]),
    ("Caso n° 123", ["123"]),
    ("Caso n. 123", ["123"]),
    ("Caso No. 123", ["123"]),
    ("Caso nr 123", ["123"]),
    ("Caso número 123", ["123"]),
    ("Caso num. 123", ["123"]),
    ("Caso: 123", ["123"]),
    ("Caso - 123", ["123"]),
    ("Caso nº #123", ["123"]),
    ("Caso # 123", ["123"]),
    # English
    ("Case #77", ["77"]),
    ("RE: [Case #77] order", ["77"]),
    ("Case No. 77", ["77"]),
    ("Case number 77", ["77"]),
    ("Just in case 2 boxes are missing", []),
    # full-width characters (NFKC)
    ("[Caso ＃１２３]", ["123"]),
    ("［ＣＡＳＯ　＃４５］", ["45"]),
    # several ids, in order, without duplicates
    ("[Caso #1] [Caso #2]", ["1", "2"]),
    ("[Caso #2] [Caso #1] [Caso #2]", ["2", "1"]),
    ("Caso #10 e caso 11", ["10", "11"]),
    # leading zeros
    ("[Caso #007]", ["7"]),
    ("[Caso #7] [Caso #007]", ["7"]),
    ("[Caso #000]", []),
    # not case ids
    ("", []),
    ("Caso", []),
    ("Caso #", []),
    ("[Caso #]", []),
    ("Caso sem número", []),
    ("Casos 2024", []),
    ("casamento 123", []),
    ("Showcase #3", []),
    ("Acaso 12", []),
    ("Pedido #123", []),
    ("Caso #12abc", []),  # glued to letters: a code, not a case id
    ("Caso #12_3", []),
    ("Caso #abc12", []),
    ("Caso #1234567890123456789", []),  # longer than any id
    ("Caso ٣", []),  # non-ASCII digits that NFKC keeps
]


@pytest.mark.parametrize(("subject", "expected"), CASE_ID_CASES)
def test_case_ids(subject: str, expected: list[str]) -> None:
    assert case_ids(subject) == expected
