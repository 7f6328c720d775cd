"""The WhatsApp channel: a neonize (whatsmeow) adapter.

Modules, from the wire inwards:

* :mod:`.neonize_client` – the ``NewAClient`` subclass (device name, login states, unparsed history syncs);
* :mod:`.client` – :class:`~.client.WhatsAppChannel`, one per account, a :class:`deskchat.channels.base.Channel`;
* :mod:`.connection` – neonize events → the connection supervisor (:mod:`deskchat.core.supervisor`), QR timing;
* :mod:`.pipeline` and :mod:`.processor` – events processed in order, never dropped;
* :mod:`.translate`, :mod:`.history`, :mod:`.content`, :mod:`.wire`, :mod:`.jids` – pure translation of wire events;
* :mod:`.sending`, :mod:`.memory`, :mod:`.session`, :mod:`.sinks`, :mod:`.values` – the rest.

Importing this package does not import neonize (it loads a Go library): import the submodules lazily, after the
window is painted.
"""
