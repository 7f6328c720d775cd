"""Conformance check of a CRM against the DeskChat contract: ``python -m deskchat.crm.check URL --user U --password P``.

It exercises the contract the way DeskChat does and reports each rule as passed, failed or skipped. It creates test
records (contacts named "Conformidade …", a case, notes and messages): run it against a test instance.
"""
