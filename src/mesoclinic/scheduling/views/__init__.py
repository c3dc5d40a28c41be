"""The calendar's pages: the week and day views and feeds, consultations, and courses."""
