"""The local stack is the template, run: its routes, its tables, its schedules, API Gateway's contract."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from dev_process import running_dev

from commcenter.data import mailboxes as mailboxes_data
from commcenter_local.dynamodb_local import DynamoDBLocal, add_missing_indexes, create_tables
from commcenter_local.functions import LoadedFunction
from commcenter_local.gateway import compile_routes
from commcenter_local.scheduler import Cron, Scheduler, rate_seconds, scheduled_event
from commcenter_local.stack import ROOT, LocalStack
from commcenter_local.template import ApiRoute, Table, load_template, read_yaml

TEMPLATE = ROOT / "template.yaml"


def template_routes() -> set[tuple[str, str]]:
    """(method, path) of every Api event, read straight from the YAML (not through the stack's reader)."""
    document = read_yaml(TEMPLATE)
    routes = set()
    for resource in document["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                routes.add((event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return routes


def test_the_gateway_serves_exactly_the_templates_routes(local_stack: LocalStack) -> None:
    assert local_stack.gateway is not None
    served = {(c.route.method, c.route.path) for c in local_stack.gateway.routes}
    assert served == template_routes()
    assert len(served) == 81


def test_every_route_of_the_template_answers_and_nothing_else_does(local_stack: LocalStack) -> None:
    for method, path in sorted(template_routes()):
        concrete = path.replace("{record_id}", "nope")
        response = requests.request(method, local_stack.base_url + concrete, timeout=10)
        # 401 (authorizer), 403 (unsigned Twilio webhook), 415 or 200: never the gateway's "no such route".
        assert response.text != '{"message": "Missing Authentication Token"}', (method, path)
    for method, path in (("GET", "/api/nothing"), ("PUT", "/api/records"), ("GET", "/twilio/sms/incoming")):
        response = requests.request(method, local_stack.base_url + path, timeout=10)
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}


def test_authorized_routes_need_a_valid_token(local_stack: LocalStack, dev_token: Callable[[str], str]) -> None:
    url = local_stack.base_url + "/api/me"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer not-a-jwt"}, timeout=10).json() == {
        "message": "Unauthorized"
    }
    forged = dev_token("alice@northwind.example")[:-4] + "AAAA"
    assert requests.get(url, headers={"Authorization": f"Bearer {forged}"}, timeout=10).status_code == 401
    token = dev_token("alice@northwind.example")
    for header in (f"Bearer {token}", token):  # Cognito authorizers take the bare token too
        assert requests.get(url, headers={"Authorization": header}, timeout=10).status_code == 200


def test_requests_become_api_gateway_proxy_events(tmp_path: Path) -> None:
    code = tmp_path / "echo"
    code.mkdir()
    (code / "app.py").write_text(
        "import json\n"
        "def handler(event, context):\n"
        "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},\n"
        "            'multiValueHeaders': {'Set-Cookie': ['a=1', 'b=2']},\n"
        "            'body': json.dumps({'event': event, 'fn': context.function_name,\n"
        "                                'left': context.get_remaining_time_in_millis()})}\n"
    )
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Api:\n"
        "    Type: AWS::Serverless::Api\n"
        "    Properties: {StageName: prod, Auth: {DefaultAuthorizer: Cognito}}\n"
        "  Echo:\n"
        "    Type: AWS::Serverless::Function\n"
        f"    Properties:\n      CodeUri: {code}\n      Handler: app.handler\n"
        "      Events:\n"
        "        Open: {Type: Api, Properties: {RestApiId: !Ref Api, Path: '/echo/{name}', Method: POST,"
        " Auth: {Authorizer: NONE}}}\n"
        "        Literal: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /echo/fixed, Method: POST,"
        " Auth: {Authorizer: NONE}}}\n"
    )
    loaded = load_template(template)
    function = loaded.function("Echo")
    routes = compile_routes(loaded.routes)
    assert routes[0].route.path == "/echo/fixed"  # literal paths win over parameters, as in API Gateway
    from commcenter_local.gateway import LocalGateway

    gateway = LocalGateway(0, loaded.routes, {"Echo": LoadedFunction(function, Path("/"))}, "s")
    import threading

    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    try:
        response = requests.post(
            f"http://127.0.0.1:{gateway.port}/echo/J%C3%B6rg?a=1&a=2&empty=",
            data="Body=hi&ToState=",
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "sig"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.headers["Set-Cookie"] == "a=1, b=2"
        payload = response.json()
        event = payload["event"]
        assert payload["fn"] == "Echo" and payload["left"] > 0
        assert event["resource"] == "/echo/{name}" and event["path"] == "/echo/J%C3%B6rg"
        assert event["pathParameters"] == {"name": "Jörg"}
        assert event["queryStringParameters"] == {"a": "2", "empty": ""}
        assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "empty": [""]}
        assert event["headers"]["X-Twilio-Signature"] == "sig"
        assert event["body"] == "Body=hi&ToState=" and event["isBase64Encoded"] is False
        context = event["requestContext"]
        assert context["resourcePath"] == "/echo/{name}" and context["httpMethod"] == "POST"
        assert context["stage"] == "local" and "authorizer" not in context
        binary = requests.post(
            f"http://127.0.0.1:{gateway.port}/echo/x",
            data=b"\xff\x00",
            headers={"Content-Type": "application/octet-stream"},
            timeout=10,
        ).json()["event"]
        assert binary["isBase64Encoded"] is True and binary["body"] == "/wA="
    finally:
        gateway.shutdown()
        gateway.server_close()


def test_connections_are_kept_alive(local_stack: LocalStack) -> None:
    netloc = urlsplit(local_stack.base_url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=10)
    for _ in range(3):
        connection.request("GET", "/api/health")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["status"] == "ok"
    connection.close()


def test_tables_are_created_as_the_template_declares(local_stack: LocalStack) -> None:
    client = local_stack.dynamodb.client()
    document = read_yaml(TEMPLATE)
    declared = {
        name: resource["Properties"]
        for name, resource in document["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }
    assert sorted(client.list_tables()["TableNames"]) == sorted(declared)
    for name, props in declared.items():
        table = client.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == props["KeySchema"]
        assert sorted(a["AttributeName"] for a in table["AttributeDefinitions"]) == sorted(
            a["AttributeName"] for a in props["AttributeDefinitions"]
        )
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            made = {i["IndexName"]: i["KeySchema"] for i in table.get(kind, [])}
            wanted = {i["IndexName"]: i["KeySchema"] for i in props.get(kind, [])}
            assert made == wanted, (name, kind)


def test_a_table_kept_from_an_older_template_gains_its_new_indexes(local_stack: LocalStack) -> None:
    """Local data outlives template changes: a global index added since is added to the table."""
    client = local_stack.dynamodb.client()
    records = next(t for t in local_stack.template.tables if t.logical_id == "RecordsTable")
    indexes = records.definition["GlobalSecondaryIndexes"]
    used = {"record_id", *(key["AttributeName"] for key in indexes[0]["KeySchema"])}
    attributes = [a for a in records.definition["AttributeDefinitions"] if a["AttributeName"] in used]
    older = Table(
        records.logical_id,
        {**records.definition, "AttributeDefinitions": attributes, "GlobalSecondaryIndexes": indexes[:1]},
    )
    name = f"OlderRecords{uuid.uuid4().hex[:8]}"
    create_tables(client, [older], {older.logical_id: name})
    try:
        assert create_tables(client, [records], {records.logical_id: name}) == []  # kept, not created
        made = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
        assert {i["IndexName"]: i["KeySchema"] for i in made} == {i["IndexName"]: i["KeySchema"] for i in indexes}
        assert add_missing_indexes(client, records, name) == []
    finally:
        client.delete_table(TableName=name)


def test_schedules_come_from_the_template_and_run_the_functions(local_stack: LocalStack) -> None:
    schedules = local_stack.template.schedules
    assert {(s.function, s.expression) for s in schedules} == {
        ("MailPollFunction", "rate(1 minute)"),
        ("RemindersFunction", "rate(1 minute)"),
        ("RemindersFunction", "rate(1 hour)"),  # the expired trash's sweep, named by its Input
        ("RemindersFunction", "rate(5 minutes)"),  # the recordings still to be copied, likewise
    }
    scheduler = Scheduler(schedules, local_stack.functions)
    at = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    mail = scheduler.run_once(schedules[0] if schedules[0].function == "MailPollFunction" else schedules[1], at)
    # Every connected mailbox (those other tests connected, if any), each polled, skipped or failed.
    assert set(mail) == {"polled", "skipped", "failed", "messages"}
    assert mail["polled"] + mail["skipped"] + mail["failed"] == len(mailboxes_data.list_polled())
    reminders = scheduler.run_once(
        next(s for s in schedules if s.function == "RemindersFunction" and s.input is None), at
    )
    assert reminders == {"due": 0, "fired": 0, "given_up": 0}
    trash = next(s for s in schedules if s.event == "EraseExpiredTrash")
    assert scheduled_event(trash, at) == {"sweep": "expired-trash"}  # EventBridge hands over the Input alone


def test_a_failing_scheduled_run_does_not_stop_the_scheduler(local_stack: LocalStack) -> None:
    schedule = local_stack.template.schedules[0]

    class Exploding:
        def invoke(self, event: dict[str, Any]) -> Any:
            raise RuntimeError("boom")

    scheduler = Scheduler([schedule], {schedule.function: Exploding()})  # type: ignore[dict-item]
    assert scheduler.run_once(schedule, datetime.now(UTC)) is None
    assert scheduler.runs == {f"{schedule.function}.{schedule.event}": 1}


@pytest.mark.parametrize(
    ("expression", "seconds"), [("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(2 hours)", 7200)]
)
def test_rate_expressions(expression: str, seconds: int) -> None:
    assert rate_seconds(expression) == seconds


def test_cron_expressions() -> None:
    weekdays_at_nine = Cron("cron(0 9 ? * MON-FRI *)")
    friday = datetime(2026, 11, 27, 8, 59, tzinfo=UTC)
    assert weekdays_at_nine.next_after(friday) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert weekdays_at_nine.next_after(datetime(2026, 11, 27, 9, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 9, 0, tzinfo=UTC
    )
    every_quarter = Cron("cron(0/15 * * * ? *)")
    assert every_quarter.next_after(datetime(2026, 1, 1, 0, 1, tzinfo=UTC)).minute == 15
    for bad in ("cron(* * *)", "cron(0 25 * * ? *)", "cron(0 9 L * ? *)"):
        with pytest.raises(ValueError):
            Cron(bad)


def test_dynamodb_local_stops_without_leaving_a_process() -> None:
    db = DynamoDBLocal()
    db.start()
    process = db._process
    assert process is not None and process.poll() is None
    db.stop()
    assert process.poll() is not None


def test_commcenter_dev_starts_seeds_and_stops_on_sigint(tmp_path: Path) -> None:
    with running_dev(tmp_path) as dev:
        port, dashboard_port, output = dev.port, dev.dashboard_port, dev.output
        assert (
            f"commcenter is running: the dashboard on http://127.0.0.1:{dashboard_port}, its API on http://127.0.0.1:{port}"
        ) in output, output
        link = next(part for part in output.split() if "#token=" in part)
        assert link.startswith(f"http://127.0.0.1:{dashboard_port}/#token=")
        me = requests.get(
            f"http://127.0.0.1:{port}/api/me", headers={"Authorization": f"Bearer {dev.token}"}, timeout=10
        )
        assert me.json()["email"] == "alice@northwind.example"
        assert (tmp_path / "stack.json").exists()
        run_cli_against_the_running_stack(dev.env, tmp_path, port)
        dev.process.send_signal(signal.SIGINT)
        assert dev.process.wait(timeout=30) == 0
        assert not (tmp_path / "stack.json").exists()
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2)


def run_cli_against_the_running_stack(env: dict[str, str], tmp_path: Path, port: int) -> None:
    """`commcenter token`, `seed` and `import`, in another process, against the running stack."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "commcenter_local.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    token = cli("token", "bruno@northwind.example").stdout.strip()
    me = requests.get(f"http://127.0.0.1:{port}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.json()["name"] == "Bruno Costa"

    seeded = cli("seed")
    assert seeded.returncode == 0 and "3 reps, 10 records" in seeded.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("first_name,last_name,email\nAna,,ana@x.example\nBo,Cli,not-an-email\n")
    refused = cli("import", str(bad), "--kind", "lead")
    assert refused.returncode == 1
    assert "line 2" in refused.stderr and "line 3" in refused.stderr and "nothing was imported" in refused.stderr

    good = tmp_path / "good.csv"
    good.write_text("first_name,last_name,phone\nAna,Climport,+1 907 555 0177\nBo,Climport,\n")
    assert cli("import", str(good), "--kind", "contact", "--dry-run").stdout.startswith("2 rows are valid")
    imported = cli("import", str(good), "--kind", "contact")
    assert imported.returncode == 0, imported.stderr
    assert "2 contacts imported" in imported.stdout
    again = cli("import", str(good), "--kind", "contact")
    assert "0 contacts imported, 2 already present" in again.stdout
    headers = {"Authorization": f"Bearer {token}"}
    hits = requests.get(f"http://127.0.0.1:{port}/api/search?q=climport", headers=headers, timeout=10).json()
    assert len(hits["items"]) == 2


def test_route_compilation_rejects_nothing_the_template_has() -> None:
    routes = [ApiRoute("F", "E", "GET", "/api/records/{record_id}/activities", True)]
    compiled = compile_routes(routes)
    assert compiled[0].pattern.match("/api/records/abc/activities")
    assert not compiled[0].pattern.match("/api/records/a/b/activities")
