"""Email out: through any SMTP relay named by a URL."""
