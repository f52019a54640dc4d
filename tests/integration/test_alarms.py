"""Knowing when it breaks: the template's alarms, where they go, what they watch, and the
README's word on each."""

from __future__ import annotations

import json
import re
from typing import Any

from commcenter_local.stack import ROOT
from commcenter_local.template import read_yaml

DOCUMENT = read_yaml(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = DOCUMENT["Resources"]
ALARMS = {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
FUNCTIONS = sorted(name for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function")


def watched(alarm: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(namespace, metric, dimension value) of each metric an alarm reads."""
    if "Metrics" in alarm:
        stats = [m["MetricStat"]["Metric"] for m in alarm["Metrics"] if "MetricStat" in m]
    else:
        stats = [alarm]
    return [(m["Namespace"], m["MetricName"], (m.get("Dimensions") or [{}])[0].get("Value")) for m in stats]


def test_every_alarm_notifies_the_topic_and_the_address_is_a_parameter() -> None:
    assert ALARMS
    for name, alarm in ALARMS.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}] == alarm["OKActions"], name
        assert alarm["TreatMissingData"] == "notBreaching", name
    subscription = RESOURCES["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"  # no address, no subscription
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Properties"]["Protocol"] == "email"
    assert DOCUMENT["Parameters"]["AlarmEmail"]["Default"] == ""
    pattern = re.compile(DOCUMENT["Parameters"]["AlarmEmail"]["AllowedPattern"])
    assert pattern.match("") and pattern.match("ops@northwind.example") and not pattern.match("not an address")


def test_errors_and_throttles_of_every_function_are_watched() -> None:
    for metric in ("Errors", "Throttles"):
        covered = {
            value["Ref"]
            for alarm in ALARMS.values()
            for namespace, name, value in watched(alarm)
            if (namespace, name) == ("AWS/Lambda", metric)
        }
        assert covered == set(FUNCTIONS), metric
    for function, alarm in (
        ("MailPollFunction", "MailPollFailingAlarm"),
        ("RemindersFunction", "RemindersFailingAlarm"),
    ):
        assert watched(ALARMS[alarm]) == [("AWS/Lambda", "Errors", {"Ref": function})]
        assert ALARMS[alarm]["EvaluationPeriods"] * ALARMS[alarm]["Period"] == 900  # failing 15 minutes


def test_webhook_5xx_are_counted_from_the_access_log() -> None:
    metric_filter = RESOURCES["WebhookServerErrors"]["Properties"]
    assert metric_filter["LogGroupName"] == {"Ref": "ApiAccessLogs"}
    # The access log's fields the pattern reads.
    access_log = json.loads(RESOURCES["Api"]["Properties"]["AccessLogSetting"]["Format"])
    assert access_log["path"] == "$context.resourcePath" and access_log["status"] == "$context.status"
    assert metric_filter["FilterPattern"] == '{ ($.path = "/twilio/*") && ($.status = "5*") }'
    (transformation,) = metric_filter["MetricTransformations"]
    assert watched(ALARMS["Webhook5xxAlarm"]) == [
        (transformation["MetricNamespace"], transformation["MetricName"], None)
    ]


def test_failed_scheduled_runs_and_given_up_recordings_raise_alarms() -> None:
    queue = {"Fn::GetAtt": ["ScheduledRunsDeadLetters", "Arn"]}
    for function in ("MailPollFunction", "RemindersFunction"):
        assert RESOURCES[function]["Properties"]["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": queue}
    assert watched(ALARMS["DeadLettersAlarm"]) == [
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"Fn::GetAtt": ["ScheduledRunsDeadLetters", "QueueName"]})
    ]
    # The metrics the reminders function publishes when it gives a recording or a reminder up.
    handler = (ROOT / "functions" / "reminders" / "app.py").read_text()
    for alarm in ("RecordingCopiesGivenUpAlarm", "RemindersGivenUpAlarm"):
        ((namespace, metric, service),) = watched(ALARMS[alarm])
        assert f'name="{metric}"' in handler and (namespace, service) == ("commcenter", "commcenter")


def test_the_readme_says_what_each_alarm_means_and_what_to_do() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Alarms", 1)[1].split("\n## ", 1)[0]
    for name in ALARMS:
        assert f"`{name}`" in section, name
    assert "AlarmEmail" in section
