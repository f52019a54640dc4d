"""Twilio's connection overrides, on every URL the product gives Twilio to call.

By default Twilio retries a webhook only when it could not connect: after a 5xx (the data store
busy, a function that failed) or an answer slower than its read timeout it never calls again,
and that message, status or recording is lost. A fragment of connection overrides on the URL
changes that, URL by URL: `rc=3` up to three retries; `rp=5xx,ct,rt` after a 5xx, a connection
that failed or timed out, or an answer that did not come in time; `rt=5000` waits 5 s for the
answer (a webhook answers in well under a second, a cold start in about two), so that retries
still fit in `tt=15000`, the 15 s Twilio allows a request in all.

A fragment is never sent, and Twilio leaves it out of the signature: it requests and signs the
URL without it, so `X-Twilio-Signature` is checked against the public URL exactly as before.
Every webhook is idempotent (a delivery claims its MessageSid or CallSid), so a retry of a
request that did get through changes nothing.
"""

from __future__ import annotations

CONNECTION_OVERRIDES = "rc=3&rp=5xx,ct,rt&rt=5000&tt=15000"


def with_retries(url: str) -> str:
    """`url` with the connection overrides (in place of any fragment it had)."""
    return f"{requested_url(url)}#{CONNECTION_OVERRIDES}"


def requested_url(url: str) -> str:
    """What Twilio requests, and signs, for a URL it was given: the URL without its fragment."""
    return url.split("#", 1)[0]
