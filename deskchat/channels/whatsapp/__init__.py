"""The WhatsApp channel: a neonize (whatsmeow) adapter.

Modules: :mod:`.jids` (addresses, chat keys, identities), :mod:`.content` (message bodies), :mod:`.translate` and
:mod:`.history` (wire events to DeskChat values), :mod:`.states` (connection state machine), :mod:`.session` (session
files), :mod:`.pipeline` (ordered event processing), :mod:`.client` (the per-account adapter, a
:class:`deskchat.channels.base.Channel`).

Importing this package does not import neonize (it loads a Go library): import the submodules lazily, after the
window is painted.
"""
