"""Brazilian formats for demo data: CNPJ with check digits, phone numbers, money, e-mail local parts."""

from __future__ import annotations

import random
import re
import unicodedata

_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_MOBILE_LEADS = "6789"


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def cnpj_digits(base: str, branch: str = "0001") -> str:
    """The 14 digits of the CNPJ with root ``base`` (8 digits) and ``branch`` (4 digits), check digits included."""
    if not re.fullmatch(r"[0-9]{8}", base) or not re.fullmatch(r"[0-9]{4}", branch):
        raise ValueError(f"bad CNPJ root or branch: {base!r} {branch!r}")
    twelve = base + branch
    first = _check_digit(twelve, _CNPJ_WEIGHTS_1)
    return twelve + first + _check_digit(twelve + first, _CNPJ_WEIGHTS_2)


def format_cnpj(digits: str) -> str:
    """ "12.345.678/0001-95" from 14 digits."""
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"


def random_cnpj(rng: random.Random) -> str:
    """A formatted CNPJ (head office, branch 0001) with correct check digits."""
    return format_cnpj(cnpj_digits(f"{rng.randrange(1, 100_000_000):08d}"))


def is_valid_cnpj(text: str) -> bool:
    """Whether ``text`` is a CNPJ with correct check digits (formatted or bare)."""
    digits = re.sub(r"[./-]", "", text)
    if not re.fullmatch(r"[0-9]{14}", digits) or len(set(digits)) == 1:
        return False
    return cnpj_digits(digits[:8], digits[8:12]) == digits


def mobile_e164(ddd: str, subscriber: int) -> str:
    """A Brazilian mobile in E.164: DDD + 9 + a digit 6-9 + 7 digits taken from ``subscriber`` (0..39,999,999)."""
    lead = _MOBILE_LEADS[subscriber // 10_000_000 % 4]
    return f"+55{ddd}9{lead}{subscriber % 10_000_000:07d}"


def random_mobile(rng: random.Random, ddd: str) -> str:
    return mobile_e164(ddd, rng.randrange(40_000_000))


def random_landline(rng: random.Random, ddd: str) -> str:
    """A Brazilian landline in E.164: DDD + 8 digits starting with 2-5."""
    return f"+55{ddd}{rng.choice('2345')}{rng.randrange(10_000_000):07d}"


def display_phone(e164: str) -> str:
    """ "+55 11 98765-4321" / "+55 11 3456-7890"."""
    national = e164[3:]
    ddd, number = national[:2], national[2:]
    return f"+55 {ddd} {number[:-4]}-{number[-4:]}"


def national_phone(e164: str) -> str:
    """ "(11) 98765-4321" / "(11) 3456-7890"."""
    national = e164[3:]
    ddd, number = national[:2], national[2:]
    return f"({ddd}) {number[:-4]}-{number[-4:]}"


def money(cents: int) -> str:
    """ "1.234,56" (no currency sign)."""
    reais, rest = divmod(cents, 100)
    return f"{reais:,}".replace(",", ".") + f",{rest:02d}"


def ascii_name(text: str) -> str:
    """Lower-case ASCII letters, digits and dots of a name, for e-mail local parts ("joão pedro" -> "joao.pedro")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return ".".join(re.findall(r"[a-z0-9]+", folded))
