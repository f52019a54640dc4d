"""Upload the built dashboard to the stack's bucket with a `config.json` naming this stack's API
and Cognito pool, then invalidate CloudFront so browsers get the new files.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from pathlib import Path
from typing import Any

# index.html and config.json must be re-read on every visit; hashed assets never change.
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def runtime_config(outputs: dict[str, str]) -> dict[str, Any]:
    """The dashboard's runtime configuration, from the stack's outputs."""
    return {
        "apiBaseUrl": outputs["ApiUrl"].rstrip("/"),
        "auth": {
            "mode": "cognito",
            "region": outputs["Region"],
            "userPoolId": outputs["UserPoolId"],
            "clientId": outputs["UserPoolClientId"],
            "domain": outputs["CognitoDomain"],
        },
    }


def object_headers(key: str) -> dict[str, str]:
    """Content type and caching of one uploaded file."""
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    cache = NO_CACHE if key in ("index.html", "config.json") or not key.startswith("assets/") else IMMUTABLE
    return {"ContentType": content_type, "CacheControl": cache}


def upload(s3: Any, bucket: str, key: str, body: bytes) -> None:
    headers = object_headers(key)
    s3.put_object(
        Bucket=bucket, Key=key, Body=body, ContentType=headers["ContentType"], CacheControl=headers["CacheControl"]
    )


def stack_outputs(stack_name: str) -> dict[str, str]:
    import boto3

    stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}


def publish(stack_name: str, dist: Path) -> None:
    import boto3

    if not (dist / "index.html").exists():
        raise SystemExit(f"{dist} has no index.html: run `make dashboard` first")
    outputs = stack_outputs(stack_name)
    s3 = boto3.client("s3")
    bucket = outputs["DashboardBucketName"]
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    # Assets first, index.html last: a browser never gets an index that names missing assets.
    files.sort(key=lambda p: p.name == "index.html")
    for path in files:
        key = path.relative_to(dist).as_posix()
        upload(s3, bucket, key, path.read_bytes())
        print(f"uploaded {key}")
    upload(s3, bucket, "config.json", json.dumps(runtime_config(outputs), indent=2).encode())
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["DistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
            "CallerReference": str(time.time()),
        },
    )
    print(f"dashboard published: {outputs['DashboardUrl']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--dist", type=Path, default=Path("dashboard/dist"))
    args = parser.parse_args()
    publish(args.stack_name, args.dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
