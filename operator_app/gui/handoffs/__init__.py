"""The seller's incoming hand-offs and the supervisor's arbitration of returned ones."""
