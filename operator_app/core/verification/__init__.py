"""Lead verification: criteria per campaign, the live verdict, and the link to the script."""
