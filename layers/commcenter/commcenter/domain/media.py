"""Where an MMS attachment may live: Twilio's own media hosts, over https.

An incoming MMS names its attachments by URL (`MediaUrl0`..`MediaUrl9`) and the dashboard shows
each one as a link, so a URL is kept only when it is one Twilio serves: a forged or malformed
webhook must not plant a `javascript:` or `data:` link, or a look-alike page, in a rep's thread.

The hosts: `api.twilio.com`, where a webhook's `MediaUrl` points (the Media resource of the
message), and the media CDN it redirects to (`mms.twiliocdn.com` for media behind HTTP
authentication, `media.twiliocdn.com`). Twilio's older unauthenticated media host,
`s3-external-1.amazonaws.com`, is shared with every S3 user and so never trusted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

TWILIO_MEDIA_HOSTS = frozenset({"api.twilio.com", "mms.twiliocdn.com", "media.twiliocdn.com"})


def is_twilio_media_url(url: str) -> bool:
    """True for an https URL on one of Twilio's media hosts, with no credentials or other port.

    Whitespace, control characters and backslashes are refused outright: browsers drop or
    reinterpret them (a backslash is a slash to them), so the URL a browser would follow could
    differ from the one checked here.
    """
    if any(char <= " " or char in "\\\x7f" for char in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or host
        return False
    return (
        parts.scheme == "https"
        and parts.hostname in TWILIO_MEDIA_HOSTS
        and parts.username is None
        and parts.password is None
        and port in (None, 443)
    )
