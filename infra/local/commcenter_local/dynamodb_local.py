"""DynamoDB Local: AWS's own emulator (a Java jar), started, waited for, stopped; tables from the template."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from commcenter_local.template import Table

VENDOR = Path(__file__).resolve().parent.parent / "vendor"
JAR_DIR = VENDOR / "node_modules" / "amplify-dynamodb-simulator" / "emulator"
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
# The jar has no option for the address it listens on (it binds every interface): it is started
# through this launcher, which binds it to 127.0.0.1 (see its source).
LAUNCHER = "LoopbackDynamoDBLocal"
LAUNCHER_SOURCE = Path(__file__).resolve().parent.parent / "java" / f"{LAUNCHER}.java"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launcher_classes(jar: Path) -> Path:
    """The folder holding the compiled launcher: compiled once per version of its source (javac,
    from the JDK), next to the jar; concurrent first runs each compile and one of them wins."""
    source = LAUNCHER_SOURCE.read_bytes()
    target = VENDOR / "build" / f"loopback-{hashlib.sha256(source).hexdigest()[:16]}"
    if (target / f"{LAUNCHER}.class").exists():
        return target
    javac = shutil.which("javac")
    if javac is None:
        raise FileNotFoundError("javac is missing (a JDK 17): run `make system-deps`")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="loopback-", dir=target.parent))
    try:
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [javac, "-nowarn", "-cp", str(jar), "-d", str(scratch), str(LAUNCHER_SOURCE)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"javac failed on {LAUNCHER_SOURCE.name}: {result.stderr.strip()[-2000:]}")
        with contextlib.suppress(OSError):  # another process compiled it first: keep theirs
            os.rename(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


class DynamoDBLocal:
    """One DynamoDB Local process, listening on 127.0.0.1 only, in memory or persisting under `data_dir`."""

    def __init__(self, port: int = 0, data_dir: Path | None = None, region: str = "us-east-1") -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.region = region
        self._process: subprocess.Popen[bytes] | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=self.region,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=30),
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        )

    def start(self, timeout: float = 60.0) -> None:
        jar = JAR_DIR / "DynamoDBLocal.jar"
        if not jar.exists():
            raise FileNotFoundError(f"{jar} is missing: run `make dynamodb-local`")
        storage = ["-inMemory"]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(self.data_dir)]
        command = [
            "java",
            "-Xms256m",
            f"-Djava.library.path={JAR_DIR / 'DynamoDBLocal_lib'}",
            "-cp",
            f"{jar}{os.pathsep}{launcher_classes(jar)}",
            LAUNCHER,
            "-sharedDb",
            "-disableTelemetry",  # the network is the machine's own; nothing is sent anywhere
            *storage,
            "-port",
            str(self.port),
        ]
        # Its own process group, so that stopping the stack never leaves a java process behind.
        # Run in a scratch folder: the jar drops a metadata file into its working directory.
        self._scratch = tempfile.TemporaryDirectory(prefix="dynamodb-local-")
        self._process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=self._scratch.name,
        )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = self.client()
        while True:
            if self._process is not None and self._process.poll() is not None:
                error = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise RuntimeError(f"DynamoDB Local exited at start: {error.strip()[-2000:]}")
            with contextlib.suppress(EndpointConnectionError, ClientError, ConnectionError):
                client.list_tables(Limit=1)
                return
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"DynamoDB Local did not answer on {self.endpoint} within {timeout:.0f}s")
            time.sleep(0.2)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def create_tables(client: Any, tables: list[Table], names: dict[str, str]) -> list[str]:
    """Create every table of the template that does not exist yet; returns the ones created. A
    table kept from an older template gains the global indexes added to it since."""
    existing: set[str] = set()
    for page in client.get_paginator("list_tables").paginate():
        existing.update(page["TableNames"])
    created = []
    for table in tables:
        name = names[table.logical_id]
        if name in existing:
            add_missing_indexes(client, table, name)
            continue
        client.create_table(**table.create_table_arguments(name))
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        if table.ttl_attribute:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
        created.append(name)
    return created


def add_missing_indexes(client: Any, table: Table, name: str) -> list[str]:
    """Add the global indexes the template declares that the table lacks, one at a time (as
    DynamoDB, and a CloudFormation update, add them); returns their names."""
    wanted = table.create_table_arguments(name)
    described = client.describe_table(TableName=name)["Table"]
    present = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
    added = []
    for index in wanted.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in present:
            continue
        keys = {key["AttributeName"] for key in index["KeySchema"]}
        client.update_table(
            TableName=name,
            AttributeDefinitions=[a for a in wanted["AttributeDefinitions"] if a["AttributeName"] in keys],
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        for _ in range(200):
            indexes = client.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes", [])
            if any(i["IndexName"] == index["IndexName"] and i["IndexStatus"] == "ACTIVE" for i in indexes):
                break
            time.sleep(0.1)
        added.append(index["IndexName"])
    return added
