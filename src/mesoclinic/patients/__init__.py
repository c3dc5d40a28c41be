"""The patient record: demographics, coded history, the intake questionnaire and screening on it."""
