"""Instructions that reach the patient, reminders, side-effect reports and the follow-up inbox."""
