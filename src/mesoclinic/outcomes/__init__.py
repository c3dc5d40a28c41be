"""Outcomes: GAIS scores, the maintenance recall list and the clinic's reports."""
