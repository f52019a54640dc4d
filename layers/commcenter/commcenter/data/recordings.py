"""The recordings bucket: call recordings and voicemails, private, played by short-lived links."""

from __future__ import annotations

from typing import Any

from commcenter.data.buckets import s3_client
from commcenter.errors import ConfigurationError
from commcenter.settings import get_settings

LINK_SECONDS = 300


def _bucket() -> tuple[Any, str]:
    settings = get_settings()
    if not settings.recordings_bucket:
        raise ConfigurationError("no recordings bucket: set RECORDINGS_BUCKET")
    return s3_client(settings.s3_endpoint, settings.region), settings.recordings_bucket


def recording_key(rep_id: str, call_sid: str, recording_sid: str) -> str:
    return f"recordings/{rep_id}/{call_sid}/{recording_sid}.mp3"


def store(key: str, audio: bytes, content_type: str) -> None:
    client, bucket = _bucket()
    client.put_object(Bucket=bucket, Key=key, Body=audio, ContentType=content_type)


def playback_link(key: str) -> str:
    """A link the browser plays from directly (S3 honours Range), valid a few minutes."""
    client, bucket = _bucket()
    return str(
        client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=LINK_SECONDS)
    )


def delete(key: str) -> None:
    client, bucket = _bucket()
    client.delete_object(Bucket=bucket, Key=key)


EXPORTS_PREFIX = "exports/"


def fetch(key: str) -> bytes | None:
    """An object's bytes (a recording, for a person's export); None if it is no longer there."""
    client, bucket = _bucket()
    try:
        return bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    except client.exceptions.NoSuchKey:
        return None


def export_key(record_id: str, stamp: str) -> str:
    """Where a person's export is kept (the bucket's lifecycle expires `exports/` after a day)."""
    return f"{EXPORTS_PREFIX}{record_id}/{stamp}.zip"


def store_export(key: str, archive: bytes) -> None:
    client, bucket = _bucket()
    client.put_object(Bucket=bucket, Key=key, Body=archive, ContentType="application/zip")


def download_link(key: str, filename: str) -> str:
    """A link that downloads an object as `filename`, valid a few minutes."""
    client, bucket = _bucket()
    params = {"Bucket": bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{filename}"'}
    return str(client.generate_presigned_url("get_object", Params=params, ExpiresIn=LINK_SECONDS))


def delete_exports(record_id: str) -> int:
    """Delete every export of a record (erasing the person); returns how many went."""
    client, bucket = _bucket()
    prefix = f"{EXPORTS_PREFIX}{record_id}/"
    deleted = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=entry["Key"])
            deleted += 1
    return deleted
