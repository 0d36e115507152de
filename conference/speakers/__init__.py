"""People and their roles in sessions: public speaker pages."""
