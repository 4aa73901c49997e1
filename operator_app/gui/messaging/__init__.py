"""Messages to clients: the outbox, channel settings, templates and the reminder plan."""
