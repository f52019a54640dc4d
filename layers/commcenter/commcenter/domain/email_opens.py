"""Telling a person's open of a sent email from a machine's fetch of its pixel (E5).

A fetch of the open pixel says little by itself: some mail providers fetch every image of a
message as it arrives (Apple Mail Privacy Protection, Yahoo), security gateways and link scanners
fetch what a message links to before anyone reads it, and Gmail fetches images through its own
proxy only when the message is opened. So each fetch is labelled from its user agent and from
how soon after the send it came: "open" (a person, as far as can be told), "proxy" (opened
through a provider's image proxy: counted as an open), "prefetch" (fetched without a person:
shown, never counted as an open).
"""

from __future__ import annotations

import re
from datetime import datetime

from commcenter.domain.clock import parse_iso
from commcenter.domain.facts import EmailOpen

OPEN = "open"
PROXY = "proxy"
PREFETCH = "prefetch"
COUNTED_AS_OPENS = frozenset({OPEN, PROXY})

OPEN_LOG_SIZE = 20  # fetches kept on the email, the latest ones
PREFETCH_SECONDS = 10  # a fetch this soon after the server accepted the message is no person's

# Apple Mail Privacy Protection fetches through Apple's proxies with this user agent, and nothing else.
APPLE_PRIVACY_AGENT = "Mozilla/5.0"
_SCANNER = re.compile(
    r"curl/|wget/|python-|python/|aiohttp/|go-http-client|java/|libwww-perl|okhttp/|httpclient|"
    r"barracuda|mimecast|proofpoint|symantec|forcepoint|trendmicro|cisco|ironport|"
    r"headlesschrome|phantomjs|microsoft office existence discovery|skypeuripreview|"
    r"facebookexternalhit|linkpreview",
    re.IGNORECASE,
)
# Bots name themselves "...bot", "...Bot", "...crawler", "...spider" (not "CUBOT", a phone).
_BOT = re.compile(r"(?:[Bb]ot|[Cc]rawler|[Ss]pider)\b")


def classify_open(user_agent: str | None, *, at: str, sent_at: str | None) -> EmailOpen:
    """What a fetch of the pixel at `at` (ISO time) with this user agent was, for an email the
    server accepted at `sent_at`."""
    agent = (user_agent or "").strip()
    lowered = agent.lower()
    if "yahoomailproxy" in lowered:
        return EmailOpen(at=at, kind=PREFETCH, label="Yahoo Mail fetched it (its image proxy: not necessarily opened)")
    if agent == APPLE_PRIVACY_AGENT:
        return EmailOpen(
            at=at, kind=PREFETCH, label="Apple Mail fetched it (Mail Privacy Protection: not necessarily opened)"
        )
    if not agent or _SCANNER.search(agent) or _BOT.search(agent):
        return EmailOpen(at=at, kind=PREFETCH, label="Fetched by a mail scanner or a program, not a person")
    if _seconds_between(sent_at, at) < PREFETCH_SECONDS:
        return EmailOpen(at=at, kind=PREFETCH, label="Fetched as it was delivered (by a mail server, not a person)")
    if "googleimageproxy" in lowered:
        return EmailOpen(at=at, kind=PROXY, label="Opened in Gmail (through Google's image proxy)")
    return EmailOpen(at=at, kind=OPEN, label="Opened")


def with_fetch(log: list[EmailOpen], fetch: EmailOpen) -> list[EmailOpen]:
    """The open log once `fetch` is added: the latest OPEN_LOG_SIZE fetches, oldest first."""
    return [*log, fetch][-OPEN_LOG_SIZE:]


def _seconds_between(sent_at: str | None, at: str) -> float:
    """Seconds from the send to the fetch; a fetch with no known send time is taken as late."""
    if not sent_at:
        return float("inf")
    try:
        start: datetime = parse_iso(sent_at)
        end: datetime = parse_iso(at)
    except ValueError:
        return float("inf")
    return (end - start).total_seconds()
