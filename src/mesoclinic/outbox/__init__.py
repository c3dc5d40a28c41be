"""Messages on their way out (emails today, reminders later), sent by the worker with retries."""
