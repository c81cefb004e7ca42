"""Undersigned: a Slack bot that runs coalition sign-on letter drives."""
