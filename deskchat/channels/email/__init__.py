"""The e-mail channel: MIME parsing and safe HTML (IMAP sync, SMTP and OAuth come with the e-mail issue)."""
