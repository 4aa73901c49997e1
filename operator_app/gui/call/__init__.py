"""The operator's workspace: the queue, the call card, the script panel and the outcome."""
