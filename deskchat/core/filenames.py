"""File names a sender chose, made safe to show and to write, on every channel (pure: no I/O, no Qt).

A customer names the files they send, so a name may lie or attack: ``"fatura\\u202efdp.exe"`` shows as
"faturaexe.pdf" (U+202E turns the rest of the line right to left), ``"../../.bashrc"`` walks out of a folder,
``"CON.txt"`` cannot be created on Windows, ``"boleto.pdf.exe"`` hides a program behind a document.

- :func:`display_name`: what the attendant sees (bubbles, the conversation list, menus, questions): no path parts, no
  control, format or bidi characters, no trailing dots or spaces, not longer than :data:`MAX_NAME_BYTES`.
- :func:`safe_file_name`: the same made writable on every OS (no ``<>:"/\\|?*``, no Windows-reserved names); it is
  used for temporary copies and as the default name of "Save as".
- :func:`is_risky`: whether opening the file could run code, by its real (last) extension or its declared type.
"""

from __future__ import annotations

import unicodedata
from typing import Final

#: Longest file name produced, in UTF-8 bytes (file systems allow 255; paths on Windows stay short).
MAX_NAME_BYTES: Final = 150
FALLBACK_NAME: Final = "attachment"
_MAX_EXTENSION: Final = 16

#: Characters that reorder text: embeddings and overrides, isolates, direction marks, the Arabic letter mark.
BIDI_CONTROLS: Final = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
_BIDI_TABLE: Final = dict.fromkeys(map(ord, BIDI_CONTROLS))
#: Unicode categories dropped from names: controls, format characters (bidi, zero-width), surrogates, line breaks.
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_FORBIDDEN_ON_DISK: Final = str.maketrans(dict.fromkeys('<>:"/\\|?*', "_"))
_WINDOWS_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")}
)


def without_bidi_controls(text: str) -> str:
    """``text`` without the characters that reorder it (for one-line previews that may hold a file name)."""
    return text.translate(_BIDI_TABLE)


def display_name(name: str, fallback: str = FALLBACK_NAME) -> str:
    """``name`` as it may be shown: the last path part, no invisible or reordering characters, short enough."""
    return _clean(name) or _clean(fallback) or FALLBACK_NAME


def safe_file_name(name: str, fallback: str = FALLBACK_NAME) -> str:
    """A file name that is safe to create on any OS and shows what it is; ``fallback`` when nothing is left."""
    cleaned = _clean(name, on_disk=True) or _clean(fallback, on_disk=True) or FALLBACK_NAME
    if cleaned.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:  # "CON", "con.txt", "NUL.tar.gz"
        cleaned = "_" + cleaned
    return cleaned


def real_extension(name: str) -> str:
    """The extension the system will go by, lower case, without the dot ("" when none).

    Taken from the name made safe, so trailing dots and spaces, bidi tricks and path parts cannot hide it:
    ``"boleto.pdf.exe"``, ``"nota.EXE. . ."`` and ``"fatura\\u202efdp.exe"`` all end in ``exe``.
    """
    stem, dot, extension = safe_file_name(name, fallback="").rpartition(".")
    return extension.lower() if dot and stem else ""


def is_risky(name: str, mime: str = "") -> bool:
    """Whether opening the file could run code: by its real extension or by the type the sender declared."""
    base_type = mime.split(";", 1)[0].strip().lower()
    return real_extension(name) in RISKY_EXTENSIONS or base_type in RISKY_MIME_TYPES


def _clean(name: str, *, on_disk: bool = False) -> str:
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # the last path part only
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        kept.append(" " if category == "Zs" else char)
    cleaned = "".join(kept)
    if on_disk:
        cleaned = cleaned.translate(_FORBIDDEN_ON_DISK)
    return _shorten(cleaned.strip(" ."))


def _shorten(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")  # never half a character
    return stem + suffix if stem else ""


#: Extensions whose opening can run code, compared lower case. Sources: Outlook's Level 1 blocked attachments (and
#: the newer types Microsoft 365 blocks), Office files that carry macros, and what runs or installs on macOS and
#: Linux. Archives and ordinary documents are not here: their viewers do not run what is inside by opening them.
RISKY_EXTENSIONS: Final = frozenset(
    {
        # Outlook Level 1
        "ade", "adp", "app", "appcontent-ms", "application", "appref-ms", "asp", "aspx", "asx", "bas", "bat",
        "bgi", "cab", "cer", "chm", "cmd", "cnt", "com", "cpl", "crt", "csh", "der", "diagcab", "exe", "fxp",
        "gadget", "grp", "hlp", "hpj", "hta", "htc", "inf", "ins", "iso", "isp", "its", "jar", "jnlp", "js",
        "jse", "ksh", "lnk", "mad", "maf", "mag", "mam", "maq", "mar", "mas", "mat", "mau", "mav", "maw", "mcf",
        "mda", "mdb", "mde", "mdt", "mdw", "mdz", "mht", "mhtml", "msc", "msh", "msh1", "msh2", "msh1xml",
        "msh2xml", "mshxml", "msi", "msp", "mst", "msu", "ops", "osd", "pcd", "pif", "pl", "plg", "prf", "prg",
        "printerexport", "ps1", "ps1xml", "ps2", "ps2xml", "psc1", "psc2", "psd1", "psdm1", "psm1", "pssc",
        "pst", "py", "pyc", "pyo", "pyw", "pyz", "pyzw", "reg", "scf", "scr", "sct", "settingcontent-ms",
        "shb", "shs", "theme", "tmp", "udl", "url", "vb", "vbe", "vbp", "vbs", "vhd", "vhdx", "vsmacros", "vsw",
        "webpnp", "website", "ws", "wsb", "wsc", "wsf", "wsh", "xbap", "xll", "xnk", "cdxml",
        # newer Windows types Microsoft 365 blocks or that open without an installer's warning
        "appinstaller", "appx", "appxbundle", "msix", "msixbundle", "library-ms", "search-ms",
        "searchconnector-ms", "one", "onepkg", "rdp", "img", "dll", "ocx", "sys", "drv", "wiz", "contact",
        "wcx", "xlam", "ppam", "xla", "ppa",
        # Office documents and templates that carry macros
        "docm", "dotm", "xlsm", "xltm", "xlsb", "pptm", "potm", "ppsm", "sldm", "xlm", "accde", "accdr",
        "accdt", "accda", "vsdm", "vssm", "vstm",
        # macOS
        "command", "tool", "pkg", "mpkg", "dmg", "workflow", "scpt", "scptd", "applescript", "terminal",
        "webloc", "fileloc", "inetloc", "prefpane", "kext", "action", "osax",
        # Linux and other Unix
        "sh", "bash", "zsh", "fish", "desktop", "appimage", "run", "bin", "elf", "deb", "rpm", "snap",
        "flatpak", "flatpakref", "out", "so",
        # interpreters and runtimes on every OS
        "rb", "php", "pm", "lua", "tcl", "class", "apk", "xapk", "aab", "ipa", "swf",
    }
)  # fmt: skip

#: Declared types of programs and scripts (a name without extension can still be one).
RISKY_MIME_TYPES: Final = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/vnd.microsoft.portable-executable",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sharedlib",
        "application/x-ms-installer",
        "application/x-msi",
        "application/x-ms-shortcut",
        "application/x-bat",
        "application/x-sh",
        "application/x-shellscript",
        "application/x-csh",
        "application/x-perl",
        "application/x-python",
        "text/x-python",
        "text/x-shellscript",
        "application/javascript",
        "text/javascript",
        "application/x-javascript",
        "text/vbscript",
        "application/hta",
        "application/x-ms-application",
        "application/java-archive",
        "application/x-java-archive",
        "application/x-java-jnlp-file",
        "application/vnd.android.package-archive",
        "application/x-apple-diskimage",
        "application/x-iso9660-image",
        "application/x-desktop",
        "application/x-appimage",
        "application/vnd.debian.binary-package",
        "application/x-rpm",
        "application/vnd.ms-word.document.macroenabled.12",
        "application/vnd.ms-excel.sheet.macroenabled.12",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
        "application/vnd.ms-excel.addin.macroenabled.12",
        "application/x-ms-appinstaller",
        "application/msix",
        "application/appx",
        "application/x-rdp",
        "application/onenote",
    }
)
