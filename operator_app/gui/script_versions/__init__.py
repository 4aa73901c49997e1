"""The script author's page: versions with their outcomes, a traffic split between two
versions, and what clients said when no scripted answer fitted."""
