"""template.yaml: cfn-lint clean, `sam build` succeeds, and the rules the product relies on hold."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from iam_policy import Grant, denied, function_statements

from commcenter_local.stack import ROOT
from commcenter_local.template import read_yaml

BIN = Path(sys.executable).parent
DOCUMENT = read_yaml(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = DOCUMENT["Resources"]
# What the Lambda python3.11 runtime itself puts on the path: boto3 and the packages it needs.
LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
# Imports the given modules with only the given folders (and the standard library) on the path.
IMPORT_PROBE = """
import importlib, json, sys
sys.path[:0] = json.loads(sys.argv[1])
for name in sys.argv[2:]:
    importlib.import_module(name)
"""


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


@pytest.mark.slow
def test_cfn_lint_is_clean() -> None:
    result = subprocess.run([BIN / "cfn-lint", "template.yaml"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def sam_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sam build` of the whole template into a fresh folder; the build folder."""
    work = tmp_path_factory.mktemp("sam")
    build = work / "build"
    result = subprocess.run(
        [
            BIN / "sam",
            "build",
            "--template-file",
            "template.yaml",
            "--build-dir",
            str(build),
            "--cache-dir",
            str(work / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return build


@pytest.mark.slow
def test_sam_build_packs_every_function_and_the_layer(sam_build: Path) -> None:
    assert (sam_build / "CommcenterLayer" / "python" / "commcenter" / "__init__.py").exists()
    assert (sam_build / "CommcenterLayer" / "python" / "pynamodb").is_dir()
    for name in of_type("AWS::Serverless::Function"):
        assert (sam_build / name / "app.py").exists(), name


@pytest.mark.slow
def test_the_layer_carries_neither_the_runtime_nor_tooling(sam_build: Path) -> None:
    layer = sam_build / "CommcenterLayer" / "python"
    present = {path.name for path in layer.iterdir()}
    tooling = {"pip", "setuptools", "wheel", "click", "inquirer", "blessed", "yaml", "aiohttp"}
    assert not present & {*LAMBDA_RUNTIME_PACKAGES, *tooling}
    assert not (layer / "phonenumbers" / "geodata").exists()  # phonenumberslite: no geocoder data
    assert not list(layer.rglob("__pycache__"))


class RuntimeImports(ast.NodeVisitor):
    """The absolute imports a module makes when it runs, those inside functions included (the
    lazy imports of the cold path); imports under `if TYPE_CHECKING:` are left out."""

    def __init__(self) -> None:
        self.modules: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.modules.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.modules.add(node.module)


def modules_run_by(sources: list[Path], package_root: Path) -> set[str]:
    """The layer's own modules and every module they import at run time."""
    visitor = RuntimeImports()
    own: set[str] = set()
    for source in sources:
        visitor.visit(ast.parse(source.read_text(encoding="utf-8")))
        if source.is_relative_to(package_root):
            parts = source.relative_to(package_root).with_suffix("").parts
            own.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return own | visitor.modules


@pytest.mark.slow
def test_every_function_runs_on_the_built_layer_and_the_lambda_runtime_alone(sam_build: Path, tmp_path: Path) -> None:
    import boto3

    site_packages = Path(boto3.__file__).parent.parent
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for name in LAMBDA_RUNTIME_PACKAGES:
        (runtime / name).symlink_to(site_packages / name)
    layer = sam_build / "CommcenterLayer" / "python"
    functions = [sam_build / name for name in of_type("AWS::Serverless::Function")]
    sources = [*(layer / "commcenter").rglob("*.py"), *(f / "app.py" for f in functions)]
    modules = sorted(modules_run_by(sources, layer))
    for function in functions:
        path = json.dumps([str(function), str(layer), str(runtime)])
        result = subprocess.run(
            # -I -S: no site-packages, no PYTHONPATH: only these folders and the standard library
            [sys.executable, "-I", "-S", "-c", IMPORT_PROBE, path, "app", *modules],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, f"{function.name}: {result.stderr[-3000:]}"


def test_tables_are_on_demand_recoverable_encrypted_and_retained() -> None:
    tables = of_type("AWS::DynamoDB::Table")
    assert len(tables) == 12
    for name, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"] == {"SSEEnabled": True}, name
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain", name
        assert "TableName" not in props, name  # names come from the stack, through !Ref


def test_policies_are_least_privilege() -> None:
    for name, function in of_type("AWS::Serverless::Function").items():
        policies = function["Properties"].get("Policies", [])
        text = json.dumps(policies)
        assert '"Action": "*"' not in text and '"dynamodb:*"' not in text, name
        # Every grant spelled out, table by table and index by index: none of SAM's DynamoDB
        # templates (each grants every item action, Scan included, on the table and its indexes).
        assert "DynamoDB" not in text, name
        for policy in policies:
            if isinstance(policy, dict) and "Statement" in policy:
                for statement in policy["Statement"]:
                    assert statement["Resource"] != "*", name
    granted_ssm = {
        name for name, f in of_type("AWS::Serverless::Function").items() if "ssm:GetParameter" in json.dumps(f)
    }
    # The webhooks check signatures with the auth token; the API sends SMS with it; the
    # reminders function fetches the recordings Twilio did not hand over yet with it; the API
    # and the mail poll read the OAuth clients' secrets (connecting, refreshing a mailbox's grant).
    assert granted_ssm == {"ApiFunction", "SmsFunction", "VoiceFunction", "RemindersFunction", "MailPollFunction"}


TABLES = sorted(name for name, r in RESOURCES.items() if r["Type"] == "AWS::DynamoDB::Table")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


def test_the_webhooks_never_write_a_rep_or_a_record() -> None:
    """The SMS and voice webhooks read the rep of a number and write messages and calls; a rep,
    a record or its search terms they may not change (tests/iam_policy.py checks every call the
    tests make against these grants)."""
    for function in ("SmsFunction", "VoiceFunction"):
        for table in ("RepsTable", "RecordsTable", "SearchTermsTable"):
            for action in WRITES:
                assert denied(function, [Grant(f"dynamodb:{action}", table)]), (function, action, table)
    assert not denied(
        "SmsFunction", [Grant("dynamodb:PutItem", "ActivitiesTable"), Grant("dynamodb:GetItem", "RepsTable")]
    )


def test_no_function_may_scan_or_describe_a_table() -> None:
    for function in function_statements():
        for table in TABLES:
            for action in ("Scan", "DescribeTable"):
                assert denied(function, [Grant(f"dynamodb:{action}", table)]), (function, action, table)


def test_every_function_logs_to_a_group_that_expires() -> None:
    groups = of_type("AWS::Logs::LogGroup")
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    for name, function in of_type("AWS::Serverless::Function").items():
        target = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert target in groups, name
        assert groups[target]["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}/{name}"}
    # The API's access logs too.
    destination = RESOURCES["Api"]["Properties"]["AccessLogSetting"]["DestinationArn"]
    assert destination == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert (
        DOCUMENT["Parameters"]["LogRetentionDays"]["Default"]
        in DOCUMENT["Parameters"]["LogRetentionDays"]["AllowedValues"]
    )


def test_no_secret_lives_in_the_template() -> None:
    parameters = DOCUMENT["Parameters"]
    assert parameters["TwilioAuthTokenParameter"]["Default"].startswith("/")  # a name, not a value
    assert parameters["GoogleOAuthClientSecretParameter"]["Default"].startswith("/")
    assert parameters["MicrosoftOAuthClientSecretParameter"]["Default"].startswith("/")
    variables = DOCUMENT["Globals"]["Function"]["Environment"]["Variables"]
    assert "TWILIO_AUTH_TOKEN" not in variables
    for name, spec in parameters.items():
        if any(word in name.lower() for word in ("token", "secret", "password")):
            assert str(spec.get("Default", "/")).startswith("/"), name  # only names of SSM parameters


def test_webhooks_are_open_and_the_api_is_behind_cognito() -> None:
    assert of_type("AWS::Serverless::Api")["Api"]["Properties"]["Auth"]["DefaultAuthorizer"] == "CognitoAuthorizer"
    public_api = {"/api/health", "/api/openapi.json", "/mail/o/{token}"}
    seen = 0
    for function in of_type("AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            seen += 1
            path = event["Properties"]["Path"]
            authorizer = event["Properties"].get("Auth", {}).get("Authorizer")
            if path.startswith("/twilio/") or path in public_api:
                assert authorizer == "NONE", path
            else:
                assert authorizer is None, path  # the default: Cognito
    assert seen == 81


def test_the_dashboard_origin_may_read_every_api_answer() -> None:
    api = of_type("AWS::Serverless::Api")["Api"]["Properties"]
    allowed = api["Cors"]["AllowOrigin"]["Fn::Sub"]
    assert allowed == "'https://${DashboardDistribution.DomainName}'"
    # Answers of API Gateway itself (the authorizer's 401, throttling) ...
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = api["GatewayResponses"][kind]["ResponseParameters"]["Headers"]
        assert headers["Access-Control-Allow-Origin"]["Fn::Sub"] == allowed
    # ... and the function's own, which names the same origin.
    variables = RESOURCES["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert "'" + variables["DASHBOARD_ORIGIN"]["Fn::Sub"] + "'" == allowed


def test_traces_come_from_active_tracing_not_an_sdk() -> None:
    assert DOCUMENT["Globals"]["Function"]["Tracing"] == "Active"
    requirements = (ROOT / "layers" / "commcenter" / "requirements.txt").read_text()
    assert "aws-xray-sdk" not in requirements


def test_dashboard_bucket_is_private_behind_cloudfront() -> None:
    bucket = of_type("AWS::S3::Bucket")["DashboardBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    distribution = of_type("AWS::CloudFront::Distribution")["DashboardDistribution"]["Properties"]["DistributionConfig"]
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert {r["ErrorCode"] for r in distribution["CustomErrorResponses"]} == {403, 404}


def content_security_policy() -> dict[str, list[str]]:
    """The dashboard's policy as CloudFront sends it: directive -> sources, the !Sub's own
    variables shown by name (`${ApiOrigin}`)."""
    policy = RESOURCES["DashboardResponseHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    text, _ = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = [part.split() for part in text.split(";") if part.strip()]
    return {directive[0]: directive[1:] for directive in directives}


def test_the_dashboard_answers_with_a_strict_policy_of_the_stacks_own() -> None:
    behavior = RESOURCES["DashboardDistribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "DashboardResponseHeaders"}  # not a managed one
    config = RESOURCES["DashboardResponseHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert all(part["Override"] for part in config.values())
    assert config["FrameOptions"]["FrameOption"] == "DENY"
    assert config["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert config["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    csp = content_security_policy()
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == ["'self'"]
    assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == ["'none'"]
    assert not [source for sources in csp.values() for source in sources if "unsafe" in source or source == "*"]
    # The Voice SDK's needs (its README), the API, the hosted sign-in; the recordings' bucket.
    voice = ["https://eventgw.twilio.com", "wss://voice-js.roaming.twilio.com", "https://media.twiliocdn.com"]
    assert set(csp["connect-src"]) == {"'self'", "${ApiOrigin}", "${CognitoOrigin}", *voice, "https://sdk.twilio.com"}
    assert set(csp["media-src"]) == {
        "'self'",
        "${RecordingsOrigin}",
        "mediastream:",
        "https://media.twiliocdn.com",
        "https://sdk.twilio.com",
    }


def test_the_policy_names_the_hosts_the_dashboard_really_reaches() -> None:
    policy = RESOURCES["DashboardResponseHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    _, variables = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    # Recording links are signed for the bucket's regional virtual host (data/recordings.py).
    assert variables["RecordingsOrigin"] == {
        "Fn::Sub": "https://${RecordingsBucket}.s3.${AWS::Region}.${AWS::URLSuffix}"
    }
    # The Cognito domain the dashboard's config.json names (the CognitoDomain output).
    assert (
        DOCUMENT["Outputs"]["CognitoDomain"]["Value"]["Fn::Sub"]
        == "${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"
    )
    assert variables["CognitoOrigin"] == {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}
    # The API's own id cannot be named (the API's CORS setting depends on the distribution):
    # the execute-api hosts of the stack's region, over https only.
    assert variables["ApiOrigin"] == {"Fn::Sub": "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}"}


def test_api_gateways_own_answers_are_never_sniffed() -> None:
    api = of_type("AWS::Serverless::Api")["Api"]["Properties"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert api["GatewayResponses"][kind]["ResponseParameters"]["Headers"]["X-Content-Type-Options"] == "'nosniff'"


def test_recordings_are_private_encrypted_and_expire() -> None:
    bucket = RESOURCES["RecordingsBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain" and all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    rule, exports = props["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == {"Ref": "RecordingRetentionDays"} and rule["Status"] == "Enabled"
    # Refused over plain HTTP, to anyone: the bucket and every object in it.
    (policy,) = [
        r for r in of_type("AWS::S3::BucketPolicy").values() if r["Properties"]["Bucket"] == {"Ref": "RecordingsBucket"}
    ]
    (tls,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert tls["Resource"] == [{"Fn::GetAtt": ["RecordingsBucket", "Arn"]}, {"Fn::Sub": "${RecordingsBucket.Arn}/*"}]
    # A person's export holds all of their data: gone after a day.
    assert (exports["Prefix"], exports["ExpirationInDays"], exports["Status"]) == ("exports/", 1, "Enabled")
    # The webhooks may only write recordings; the API may play and delete them, and write and
    # list only a person's exports.
    voice = json.dumps(RESOURCES["VoiceFunction"]["Properties"]["Policies"])
    api = json.dumps(RESOURCES["ApiFunction"]["Properties"]["Policies"])
    assert '"s3:PutObject"' in voice and "s3:GetObject" not in voice
    assert "s3:GetObject" in api and "s3:DeleteObject" in api
    api_statements = RESOURCES["ApiFunction"]["Properties"]["Policies"][-1]["Statement"]
    puts = [s for s in api_statements if "s3:PutObject" in json.dumps(s["Action"])]
    # Besides, the API keeps what the rep sends from the dashboard with the mail, and nothing else.
    assert [s["Resource"] for s in puts] == [
        {"Fn::Sub": "${MailBucket.Arn}/mail/*"},
        {"Fn::Sub": "${RecordingsBucket.Arn}/exports/*"},
    ]
    (listing,) = [s for s in api_statements if "s3:ListBucket" in json.dumps(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": "exports/*"}}


def test_outputs_give_the_urls_to_paste_into_twilio() -> None:
    outputs = DOCUMENT["Outputs"]
    for name in ("SmsIncomingUrl", "SmsStatusUrl", "VoiceIncomingUrl", "VoiceOutgoingUrl", "VoiceStatusUrl"):
        assert name in outputs
    for name in ("ApiUrl", "DashboardUrl", "DashboardBucketName", "DistributionId", "UserPoolId", "UserPoolClientId"):
        assert name in outputs
