"""template.yaml: cfn-lint clean, `sam build` succeeds, and the rules the product relies on hold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from commcenter_local.stack import ROOT
from commcenter_local.template import read_yaml

BIN = Path(sys.executable).parent
DOCUMENT = read_yaml(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = DOCUMENT["Resources"]


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


@pytest.mark.slow
def test_cfn_lint_is_clean() -> None:
    result = subprocess.run([BIN / "cfn-lint", "template.yaml"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_sam_build_packs_every_function_and_the_layer(tmp_path: Path) -> None:
    build = tmp_path / "build"
    result = subprocess.run(
        [
            BIN / "sam",
            "build",
            "--template-file",
            "template.yaml",
            "--build-dir",
            str(build),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (build / "CommcenterLayer" / "python" / "commcenter" / "__init__.py").exists()
    assert (build / "CommcenterLayer" / "python" / "pynamodb").is_dir()
    for name in of_type("AWS::Serverless::Function"):
        assert (build / name / "app.py").exists(), name


def test_tables_are_on_demand_recoverable_encrypted_and_retained() -> None:
    tables = of_type("AWS::DynamoDB::Table")
    assert len(tables) == 9
    for name, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"] == {"SSEEnabled": True}, name
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain", name
        assert "TableName" not in props, name  # names come from the stack, through !Ref


def test_policies_are_least_privilege() -> None:
    for name, function in of_type("AWS::Serverless::Function").items():
        policies = function["Properties"]["Policies"]
        text = json.dumps(policies)
        assert '"Action": "*"' not in text and '"dynamodb:*"' not in text, name
        for policy in policies:
            if isinstance(policy, dict) and "Statement" in policy:
                for statement in policy["Statement"]:
                    assert statement["Resource"] != "*", name
    granted_ssm = {
        name for name, f in of_type("AWS::Serverless::Function").items() if "ssm:GetParameter" in json.dumps(f)
    }
    # The webhooks check signatures with the auth token; the API sends SMS with it.
    assert granted_ssm == {"ApiFunction", "SmsFunction", "VoiceFunction"}


def test_no_secret_lives_in_the_template() -> None:
    parameters = DOCUMENT["Parameters"]
    assert parameters["TwilioAuthTokenParameter"]["Default"].startswith("/")  # a name, not a value
    variables = DOCUMENT["Globals"]["Function"]["Environment"]["Variables"]
    assert "TWILIO_AUTH_TOKEN" not in variables
    for name, spec in parameters.items():
        if any(word in name.lower() for word in ("token", "secret", "password")):
            assert str(spec.get("Default", "/")).startswith("/"), name  # only names of SSM parameters


def test_webhooks_are_open_and_the_api_is_behind_cognito() -> None:
    assert of_type("AWS::Serverless::Api")["Api"]["Properties"]["Auth"]["DefaultAuthorizer"] == "CognitoAuthorizer"
    public_api = {"/api/health", "/api/openapi.json"}
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
    assert seen == 41


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


def test_recordings_are_private_encrypted_and_expire() -> None:
    bucket = RESOURCES["RecordingsBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain" and all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == {"Ref": "RecordingRetentionDays"} and rule["Status"] == "Enabled"
    # The webhooks may only write recordings; the API may only play and delete them.
    voice = json.dumps(RESOURCES["VoiceFunction"]["Properties"]["Policies"])
    api = json.dumps(RESOURCES["ApiFunction"]["Properties"]["Policies"])
    assert '"s3:PutObject"' in voice and "s3:GetObject" not in voice
    assert "s3:GetObject" in api and "s3:DeleteObject" in api and "s3:PutObject" not in api


def test_outputs_give_the_urls_to_paste_into_twilio() -> None:
    outputs = DOCUMENT["Outputs"]
    for name in ("SmsIncomingUrl", "SmsStatusUrl", "VoiceIncomingUrl", "VoiceOutgoingUrl", "VoiceStatusUrl"):
        assert name in outputs
    for name in ("ApiUrl", "DashboardUrl", "DashboardBucketName", "DistributionId", "UserPoolId", "UserPoolClientId"):
        assert name in outputs
