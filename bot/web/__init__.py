"""The public pages: a letter's page and sign-on form, the pages a web signer's email
links to, and the public list of signers, served by the same aiohttp application as
Slack's requests (`bot.server`). Server-rendered (Jinja2, autoescaped), usable without
JavaScript, loading nothing from any other host."""
