"""When a recording Twilio did not hand over is asked for again, and when it is given up.

The copy is tried when Twilio reports the recording complete; a failure (Twilio unreachable,
an error, the recording not there yet) leaves the recording at Twilio and the call marked for a
later try. Each try that fails waits twice as long as the one before (5 minutes, 10, 20, ...,
at most 6 hours); after `COPY_ATTEMPTS` tries, about a day and a half, the copy is given up: the
recording stays at Twilio (its sid is on the call), and an alarm says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

COPY_ATTEMPTS = 12
FIRST_DELAY = timedelta(minutes=5)
LONGEST_DELAY = timedelta(hours=6)


def next_copy_attempt(failed_attempts: int, now: datetime) -> datetime | None:
    """When to try again after `failed_attempts` tries failed; None once the copy is given up."""
    if failed_attempts >= COPY_ATTEMPTS:
        return None
    delay = min(FIRST_DELAY * (1 << max(0, failed_attempts - 1)), LONGEST_DELAY)
    return now + delay
