"""Every change the follow-up makes: reminders, side-effect reports."""
