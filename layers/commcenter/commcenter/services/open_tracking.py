"""Open tracking of the email sent from the dashboard (E5): the pixel's URL, and its fetches.

Each sent email carries an unguessable token in the URL of a 1x1 image (`GET /mail/o/{token}`, a
public route). Whoever fetches it gets the same answer whatever the token (a redirect to the
image, a static file of the dashboard's site), so the route tells nothing about which tokens
exist. A fetch of a known token of a sent email is recorded on the email, labelled by who
fetched it (domain/email_opens).
"""

from __future__ import annotations

import re

from commcenter.data import activities as activities_data
from commcenter.data import message_refs
from commcenter.domain.clock import now_iso
from commcenter.domain.email_opens import COUNTED_AS_OPENS, classify_open, with_fetch
from commcenter.domain.facts import EmailFacts
from commcenter.errors import ConfigurationError
from commcenter.observability import logger
from commcenter.services.external_ids import activity_of
from commcenter.settings import get_settings

OPEN_PATH = "/mail/o/"
PIXEL_FILE = "/o.gif"  # dashboard/public/o.gif: a transparent 1x1 GIF
# A token is `secrets.token_urlsafe(24)` (32 characters); anything far from that names nothing.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
_ATTEMPTS = 3  # fetches of one pixel recorded at the same moment: each retries on the other's write


def tracking_url(token: str, base_url: str = "") -> str:
    """The URL of the open pixel of the email whose token is `token`: under the stack's public
    base URL (PUBLIC_BASE_URL), else under `base_url` (the URL the API was reached at, for a
    stack deployed without one)."""
    base = get_settings().public_base_url or base_url.rstrip("/")
    if not base:
        raise ConfigurationError("PUBLIC_BASE_URL is not set and no base URL was given: the open pixel has no URL")
    return f"{base}{OPEN_PATH}{token}"


def pixel_location() -> str:
    """Where every fetch of a pixel is sent: the image on the dashboard's site."""
    settings = get_settings()
    return f"{settings.dashboard_origin or settings.public_base_url}{PIXEL_FILE}"


def pixel_fetched(token: str, user_agent: str | None) -> str | None:
    """Record a fetch of the pixel `token`: the kind it was taken for ("open", "proxy",
    "prefetch"), or None when nothing was recorded (an unknown or malformed token, an email not
    sent). Never raises: whatever happens, the fetch gets the same answer."""
    try:
        return _record(token, user_agent)
    except Exception:
        logger.exception("a fetch of an open pixel could not be recorded")
        return None


def _record(token: str, user_agent: str | None) -> str | None:
    if not _TOKEN.fullmatch(token):
        logger.info("an open pixel was fetched with a malformed token", extra={"token_chars": len(token)})
        return None
    for _ in range(_ATTEMPTS):
        activity = activity_of(message_refs.open_ref(token))
        if activity is None or not isinstance(activity.data, EmailFacts):
            logger.info("an open pixel was fetched with an unknown token")
            return None
        facts = activity.data
        if facts.send_status != "sent":
            logger.info("an open pixel of an email not sent was fetched", extra={"send_status": facts.send_status})
            return None
        fetch = classify_open(user_agent, at=now_iso(), sent_at=facts.sent_at)
        counted = fetch.kind in COUNTED_AS_OPENS
        log = with_fetch(facts.open_log, fetch)
        if activities_data.record_email_open(activity, fetch, counted=counted, log=log):
            return fetch.kind
    logger.warning("a fetch of an open pixel lost its write to others, every time")
    return None
