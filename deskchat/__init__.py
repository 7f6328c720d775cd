"""DeskChat: WhatsApp, e-mail and the company CRM in one desktop window."""

__version__ = "0.1.0"
