"""The one S3 client of a process (per endpoint and region), for every bucket module."""

from __future__ import annotations

from functools import cache
from typing import Any

# The mail poll stores a mailbox's messages from several threads at once.
MAX_CONNECTIONS = 32


@cache
def s3_client(endpoint: str | None, region: str) -> Any:
    import boto3  # on first use: the voice webhooks' cold start does not pay for it
    from botocore.config import Config

    # Links signed with SigV4: buckets created since 2020 refuse the legacy scheme
    # (AWSAccessKeyId=...&Signature=...). In AWS they name the bucket's regional host
    # ({bucket}.s3.{region}.amazonaws.com, us-east-1 included), the one the dashboard's
    # Content-Security-Policy lets it play media from; the local S3 is addressed by path.
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint else "virtual", "us_east_1_regional_endpoint": "regional"},
        max_pool_connections=MAX_CONNECTIONS,
    )
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config)
