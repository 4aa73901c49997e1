"""The script editor page: stages, steps, answers and objections, checked as one types."""
