"""Linking e-mails to cases through the case id the subject carries.

Outgoing mail is tagged "[Caso #123]"; replies and forwards come back with reply prefixes, changed case,
missing brackets or spaces, full-width characters from some mobile keyboards and the "nº"/"n."/"No."
number markers people type. :func:`case_ids` reads all of them.

Rules:

* The subject is NFKC-normalised first: full-width "＃１２３" becomes "#123", "nº" becomes "no".
* The keyword is the whole word "caso" (Portuguese) or "case" (English), any letter case. "Casos",
  "casamento" or "showcase" are not keywords.
* Between keyword and id there may be spaces, ':' or '-', an optional number marker ('#', "nº", "n°",
  "n.", "no.", "nr.", "num.", "número", "number") and a '#' after the marker.
* "case" needs a number marker ("Case #77", "Case No. 77"): bare "in case 2 ..." is ordinary English.
  "caso" accepts a bare number ("Caso 123") because attendants and customers write it that way, although
  "caso" is also the Portuguese "if"; a subject like "Caso 2 itens cheguem ..." will link to case 2.
* The id is 1-18 ASCII digits (after NFKC) ending at a non-word character: digits glued to letters
  ("Caso #12abc", "Caso #12_a") are a product code or reference, not a case id, and give nothing.
* Leading zeros are dropped ("#007" is case "7"); an id made of zeros only is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_MARKER: Final = r"(?:\#|n\s*[°o]\.?|n\.|nr\.?|n[uú]m(?:ero)?\.?|number)"
_CASE_RE: Final = re.compile(
    rf"""
    (?<!\w)(?P<keyword>caso|case)(?!\w)
    [\s:\-]*
    (?P<marker>{_MARKER}[\s:\-]*\#?\s*)?
    (?P<id>[0-9]{{1,18}})(?![\w])
    """,
    re.IGNORECASE | re.VERBOSE,
)


def case_ids(subject: str) -> list[str]:
    """Case ids found in an e-mail subject, in order of appearance and without duplicates.

    Args:
        subject: The raw subject line, any reply/forward prefixes included.

    Returns:
        Plain ASCII digit strings without '#' or leading zeros, e.g. ``["123"]`` for "RE: [Caso #123]".
    """
    found: list[str] = []
    for match in _CASE_RE.finditer(unicodedata.normalize("NFKC", subject)):
        if match["keyword"].lower() == "case" and match["marker"] is None:
            continue
        case_id = match["id"].lstrip("0")
        if case_id and case_id not in found:
            found.append(case_id)
    return found
