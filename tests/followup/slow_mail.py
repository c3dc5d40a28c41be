"""A mail server that takes a few milliseconds per message, so a worker can be killed mid-run."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowEmailBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.01 * len(messages))
        return super().send_messages(messages)
