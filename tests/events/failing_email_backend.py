"""An email backend that fails the first N sends, then delivers to the locmem outbox (real retry path)."""

from django.core.mail.backends.locmem import EmailBackend

failures_left = {"count": 0}


class FlakyEmailBackend(EmailBackend):
    def send_messages(self, messages):
        if failures_left["count"] > 0:
            failures_left["count"] -= 1
            raise ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)
