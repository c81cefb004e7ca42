"""What a drive does: the actions handlers and the scheduler call."""
