"""The mail bucket: each synced message as fetched, its attachments, its HTML when too large for
the activity item.

Keys derive from the message's dedupe key (its Message-ID's digest), so a message fetched again
(a re-poll after a crash, the same mail in INBOX and Sent) overwrites its own objects with the
same bytes instead of adding copies:
- `mail/raw/{dedupe_key}.eml`: the message exactly as the server gave it (a better parser can
  read it again);
- `mail/html/{dedupe_key}.html`: its sanitised HTML, when above what the item keeps;
- `mail/attachments/{dedupe_key}/{n}/{file name}`: each attachment, n its position.
"""

from __future__ import annotations

import re
from typing import Any

from commcenter.data.buckets import s3_client
from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

LINK_SECONDS = 300
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _bucket() -> tuple[Any, str]:
    settings = get_settings()
    if not settings.mail_bucket:
        raise ConfigurationError("no mail bucket: set MAIL_BUCKET")
    return s3_client(settings.s3_endpoint, settings.region), settings.mail_bucket


def raw_key(dedupe_key: str) -> str:
    return f"mail/raw/{dedupe_key}.eml"


def html_key(dedupe_key: str) -> str:
    return f"mail/html/{dedupe_key}.html"


def attachment_key(dedupe_key: str, position: int, filename: str) -> str:
    safe = _UNSAFE_NAME.sub("_", filename).strip("._")[:100] or "attachment"
    return f"mail/attachments/{dedupe_key}/{position}/{safe}"


def put(key: str, body: bytes, content_type: str) -> None:
    client, bucket = _bucket()
    client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def get(key: str) -> bytes:
    client, bucket = _bucket()
    body: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def delete(key: str) -> None:
    """Delete an object (deleting one that is gone already is no error: S3 answers the same)."""
    client, bucket = _bucket()
    client.delete_object(Bucket=bucket, Key=key)


def download_link(key: str, filename: str) -> str:
    """A link that downloads an object as `filename`, valid a few minutes."""
    client, bucket = _bucket()
    disposition = f'attachment; filename="{_UNSAFE_NAME.sub("_", filename)[:100] or "attachment"}"'
    return str(
        client.generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": disposition},
            ExpiresIn=LINK_SECONDS,
        )
    )
