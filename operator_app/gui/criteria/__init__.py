"""The supervisor's editor of a campaign's target-client criteria and non-target reasons."""
