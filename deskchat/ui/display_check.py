"""Whether Qt can open a window here, checked before Qt is loaded (no Qt in this module).

Started without a display (over ssh, from a service, in a container), Qt prints a cryptic line about the "xcb"
plugin and aborts with a core dump. DeskChat says what is wrong in words instead, in Portuguese and English (the
translations are not loaded yet), and exits with :data:`NO_DISPLAY_EXIT_CODE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

NO_DISPLAY_EXIT_CODE: Final = 3

NO_DISPLAY_MESSAGE: Final = (
    "DeskChat precisa de uma tela gráfica e não encontrou nenhuma (DISPLAY e WAYLAND_DISPLAY estão vazias).\n"
    "Abra o DeskChat na área de trabalho do computador, não por ssh ou por um serviço.\n"
    "DeskChat needs a graphical display and found none (DISPLAY and WAYLAND_DISPLAY are not set).\n"
    "Start DeskChat from the computer's desktop session, not over ssh or from a service.\n"
)


def missing_display(platform: str, environ: Mapping[str, str]) -> bool:
    """Whether Qt would find no display to open a window on (only X11 and Wayland need one found this way)."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False  # Windows and macOS always have their own window system
    has_x11 = bool(environ.get("DISPLAY"))
    has_wayland = bool(environ.get("WAYLAND_DISPLAY"))
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if not requested:
        return not (has_x11 or has_wayland)
    plugins = [entry.split(":", 1)[0].strip().lower() for entry in requested.split(";")]  # "wayland;xcb" is allowed
    for plugin in plugins:
        if plugin == "xcb" and has_x11:
            return False
        if plugin.startswith("wayland") and has_wayland:
            return False
        if plugin not in ("xcb", "") and not plugin.startswith("wayland"):
            return False  # offscreen, minimal, vnc, eglfs, linuxfb: no display server needed
    return True
