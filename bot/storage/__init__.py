"""The database: schema, migrations and the `Store` that the rest of the bot talks to."""

from bot.storage.store import Store

__all__ = ["Store"]
