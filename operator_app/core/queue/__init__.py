"""The operator's call queue: what is next, why, and who has it."""
