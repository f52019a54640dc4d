"""Open tracking of the email sent from the dashboard (E5): the pixel's URL, and its fetches.

Each sent email carries an unguessable token in the URL of a 1x1 image (`GET /mail/o/{token}`, a
public route). Whoever fetches it is answered the same whatever the token; a fetch of a known
token of a sent email is recorded on the email, told apart by who fetched it (domain/email_opens).
"""

from __future__ import annotations

from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

OPEN_PATH = "/mail/o/"


def tracking_url(token: str, base_url: str = "") -> str:
    """The URL of the open pixel of the email whose token is `token`: under the stack's public
    base URL (PUBLIC_BASE_URL), else under `base_url` (the URL the API was reached at, for a
    stack deployed without one)."""
    base = get_settings().public_base_url or base_url.rstrip("/")
    if not base:
        raise ConfigurationError("PUBLIC_BASE_URL is not set and no base URL was given: the open pixel has no URL")
    return f"{base}{OPEN_PATH}{token}"
