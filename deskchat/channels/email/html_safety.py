"""Mail HTML made safe to show: nh3 (ammonia) keeps a small formatting subset and drops everything active.

Scripts, styles (and with them CSS ``url()`` beacons), event handlers, forms, frames, SVG and ``javascript:`` links are
removed. Images keep only ``cid:`` sources (parts of the same mail) unless the attendant asked for remote images:
remote sources are then kept so the view can fetch them; by default a tracking pixel never reaches the network.
"""

from __future__ import annotations

import re
from typing import Final

import nh3

#: Formatting a mail needs and nothing that runs, fetches or submits.
ALLOWED_TAGS: Final = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "dd", "del", "div", "dl",
        "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
        "q", "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "tt", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final = {
    "*": {"align", "dir", "lang", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "td": {"colspan", "rowspan", "valign", "width", "bgcolor"},
    "th": {"colspan", "rowspan", "valign", "width", "bgcolor"},
    "table": {"border", "cellpadding", "cellspacing", "width", "bgcolor"},
    "col": {"span", "width"},
    "ol": {"start", "type"},
}
#: Content removed together with the tag (nh3 strips other unknown tags but keeps their text).
DROPPED_WITH_CONTENT: Final = frozenset({"script", "style", "title", "head", "template", "noscript", "object"})
#: An image whose source was removed (a file: or data: address, or a remote one not allowed) is dropped whole: an
#: empty source makes Qt's text document try to open a file with no name.
_IMG_WITHOUT_SOURCE: Final = re.compile(r"<img\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto", "cid"})
REMOTE_SCHEMES: Final = ("http://", "https://")


def sanitize(html: str, *, remote_images: bool = False) -> str:
    """Return ``html`` reduced to safe formatting; remote image sources survive only when ``remote_images``."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            lowered = value.strip().lower()
            if lowered.startswith("cid:"):
                return value.strip()
            if remote_images and lowered.startswith(REMOTE_SCHEMES):
                return value.strip()
            return None
        return value

    cleaned = str(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=keep,
            url_schemes=set(LINK_SCHEMES),
            strip_comments=True,
            link_rel="noopener noreferrer",
        )
    )
    return _IMG_WITHOUT_SOURCE.sub("", cleaned)
