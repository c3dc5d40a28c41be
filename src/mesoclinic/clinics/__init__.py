"""A clinic's set-up, below patients and scheduling: rooms, practitioners, hours, closed days."""
