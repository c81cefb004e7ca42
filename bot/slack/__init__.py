"""Every Slack Web API call the bot makes, and the Block Kit it sends."""
