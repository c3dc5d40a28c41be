"""The calendar: consultations and courses of sessions, booked without double booking."""
