"""The webhook URLs to paste into Twilio's console, each with Twilio's connection overrides.

`commcenter dev` prints them for the stack's public URL; the README's table and the template's
outputs name the same routes with the same overrides (a test holds the three together).
"""

from __future__ import annotations

from commcenter.channels.twilio_webhooks import with_retries

# (the Twilio setting, the route)
CONSOLE_WEBHOOKS: tuple[tuple[str, str], ...] = (
    ('Phone number, Messaging, "A message comes in" and "Primary handler fails"', "/twilio/sms/incoming"),
    ("Messages' status callback", "/twilio/sms/status"),
    ('Phone number, Voice, "A call comes in" and "Primary handler fails"', "/twilio/voice/incoming"),
    ("TwiML App, Voice request URL (browser calls)", "/twilio/voice/outgoing"),
    ('Phone number, Voice, "Call status changes"', "/twilio/voice/status"),
)


def console_webhooks(public_base_url: str) -> list[tuple[str, str]]:
    """(Twilio setting, URL) for a stack Twilio reaches at `public_base_url`."""
    base = public_base_url.rstrip("/")
    return [(setting, with_retries(base + path)) for setting, path in CONSOLE_WEBHOOKS]
