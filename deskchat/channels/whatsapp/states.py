"""A WhatsApp account's connection states are the supervisor's (:mod:`deskchat.core.connection_states`).

WhatsApp uses every generic state except ``server_unavailable`` and ``auth_required`` (whatsmeow reports no such
thing: a refused session is ``logged_out``). ``WaState`` is the name the adapter and its tests have always used.
"""

from __future__ import annotations

from deskchat.core.connection_states import TERMINAL, ConnState, Status, Trigger, may_reconnect, next_state

WaState = ConnState

__all__ = ["TERMINAL", "Status", "Trigger", "WaState", "may_reconnect", "next_state"]
