"""The WhatsApp channel: a neonize (whatsmeow) adapter.

Modules: :mod:`.jids` (addresses, chat keys, identities), :mod:`.content` (message bodies), :mod:`.translate` and
:mod:`.history` (wire events to DeskChat values), :mod:`.states` (connection state machine), :mod:`.session` (session
files), :mod:`.pipeline` (ordered event processing), :mod:`.client` (the per-account adapter, a
:class:`deskchat.channels.base.Channel`).

Importing this package does not import neonize (it loads a Go library): import the submodules lazily, after the
window is painted.
"""

import os as _os

# neonize's Go side tags every 1:1 message with <bot biz_bot="1"/> unless NEONIZE_BOT_TAG is off; attendants are
# people, not bots. The Go runtime copies the environment when the library loads, i.e. on the first neonize import,
# which always happens through one of this package's submodules, after this line.
_os.environ.setdefault("NEONIZE_BOT_TAG", "off")
