"""The pages of the role workspaces."""
