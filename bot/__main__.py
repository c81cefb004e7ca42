"""`python -m bot`: the same as the `undersigned` command."""

from bot.cli import main

raise SystemExit(main())
