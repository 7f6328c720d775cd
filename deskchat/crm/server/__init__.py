"""The CRM reference server: the whole contract over real HTTP, on SQLite or PostgreSQL.

Run it with ``python -m deskchat.crm.server`` (needs the ``crm-server`` extra). The desktop app never imports it.
"""
