"""The domain itself, pure: its objects, rules and limits; no I/O."""
