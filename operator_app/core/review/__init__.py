"""Call review: supervisors score recorded calls against a checklist; operators read the feedback."""
