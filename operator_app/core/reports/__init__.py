"""What supervisors review: figures, plans and KPIs, call reviews, exports."""
