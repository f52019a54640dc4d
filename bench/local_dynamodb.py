"""The floor's side of a benchmark: a plain boto3 client of the stack's DynamoDB Local."""

from __future__ import annotations

from typing import Any

import boto3


def local_client(endpoint: str, region: str) -> Any:
    """A DynamoDB client of DynamoDB Local (its credentials are never checked)."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
