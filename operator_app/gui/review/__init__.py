"""Call review pages: the supervisor's CallReviewPage and the operator's FeedbackPage."""
