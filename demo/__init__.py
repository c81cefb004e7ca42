"""`make demo`: a whole drive against the bundled Slack stand-in, in about a minute."""
