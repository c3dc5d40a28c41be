"""What the calendar announces to the apps above it, which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction that booked, moved or cancelled appointments, or signed the record
# of a session (which fixes when it ended), with `appointment_ids` and the acting user `by`: the
# reminders above the calendar follow in the same transaction.
appointments_changed = Signal()
