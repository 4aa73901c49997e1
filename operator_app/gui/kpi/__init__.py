"""Plans and KPIs: the supervisor's plans, weights and everyone's scorecards; a person's own."""
