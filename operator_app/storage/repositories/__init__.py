"""Queries the core services run, kept here so core holds no SQL."""
