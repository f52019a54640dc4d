"""The local stack's S3: moto's server on a free port, with the buckets the template declares.

The functions reach it with the real boto3 client (`S3_ENDPOINT`). It keeps objects in memory:
recordings of a local session are gone when the stack stops.
"""

from __future__ import annotations

from typing import Any

from commcenter_local.dynamodb_local import LOCAL_CREDENTIALS


class LocalS3:
    def __init__(self) -> None:
        self._server: Any = None
        self.endpoint = ""

    def start(self) -> LocalS3:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self

    def create_buckets(self, names: list[str], region: str) -> None:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        )
        for name in names:
            client.create_bucket(Bucket=name)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def local_bucket_name(logical_id: str) -> str:
    """A bucket's local name: its logical id, lower-cased (S3 names are)."""
    return logical_id.lower()
