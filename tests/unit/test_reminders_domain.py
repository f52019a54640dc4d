"""When a reminder is due (08:00 of the rep's day picked), where the sweep finds it, and the
reminder email as it leaves (its idempotency key, SES's request)."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from typing import Any

import pytest

from commcenter.channels.reminder_mail import REMINDER_HEADER, SesReminderMail, build_message
from commcenter.domain.reminders import bucket_of, due_time, filed_bucket, idempotency_key, next_bucket
from commcenter.errors import ValidationError

# A Wednesday, 21:30 in Paris (UTC+1 in December), already Thursday in Tokyo.
NOW = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "zone", "due"),
    [
        ("tomorrow", "Europe/Paris", "2026-12-03T07:00:00+00:00"),
        ("tomorrow", "Asia/Tokyo", "2026-12-03T23:00:00+00:00"),  # Tokyo's tomorrow is Friday
        ("in_3_days", "America/New_York", "2026-12-05T13:00:00+00:00"),
        ("next_week", "Europe/Paris", "2026-12-07T07:00:00+00:00"),  # the Monday after
        ("2027-07-01", "Europe/Paris", "2027-07-01T06:00:00+00:00"),  # summer time
        ("2026-12-02", "UTC", "2026-12-02T08:00:00+00:00"),  # today, 08:00 over: due at once
        ("tomorrow", "Not/AZone", "2026-12-03T08:00:00+00:00"),  # an unknown zone reads as UTC
    ],
)
def test_a_reminder_is_due_at_eight_in_the_reps_time_zone(when: str, zone: str, due: str) -> None:
    assert due_time(when, zone, NOW).isoformat() == due


@pytest.mark.parametrize(
    "when", ["yesterday", "2026-12-01", "2026-02-30", "in_0_days", "in_999_days", "2031-01-01", ""]
)
def test_a_day_that_is_not_one_or_is_over_is_refused(when: str) -> None:
    with pytest.raises(ValidationError):
        due_time(when, "UTC", NOW)


def test_buckets_are_five_minutes_and_a_past_due_time_is_filed_now() -> None:
    assert bucket_of(datetime(2026, 12, 2, 8, 4, 59, tzinfo=UTC)) == "2026-12-02T08:00"
    assert next_bucket("2026-12-02T23:55") == "2026-12-03T00:00"
    past = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert filed_bucket(past, NOW) == "2026-12-02T20:30"
    assert filed_bucket(datetime(2026, 12, 9, 7, 3, tzinfo=UTC), NOW) == "2026-12-09T07:00"


def test_the_reminder_email_carries_its_key_and_ses_is_asked_to_send_it_raw() -> None:
    raw = build_message(
        sender="reminders@example.com",
        to="ann@example.com",
        subject="Reminder: Follow up",
        text="Call back.\n",
        reminder_id="01JREMINDER",
        message_id=idempotency_key("01JREMINDER"),
    )
    message = email.message_from_bytes(raw)
    assert message["Message-ID"] == "<reminder-01jreminder@commcenter>"
    assert message[REMINDER_HEADER] == "01JREMINDER"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")

    calls: list[dict[str, Any]] = []

    class Ses:
        def send_email(self, **request: Any) -> dict[str, str]:
            calls.append(request)
            return {"MessageId": "ses-id"}

    SesReminderMail(sender="reminders@example.com", client=Ses()).send("ann@example.com", raw)
    assert calls == [
        {
            "FromEmailAddress": "reminders@example.com",
            "Destination": {"ToAddresses": ["ann@example.com"]},
            "Content": {"Raw": {"Data": raw}},
        }
    ]


def test_ses_takes_the_request_as_its_api_defines_it() -> None:
    """The request checked against SESv2's own model (botocore's stubber validates it; nothing is sent)."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("sesv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    raw = build_message(
        sender="reminders@example.com",
        to="ann@example.com",
        subject="Reminder",
        text="Call back.\n",
        reminder_id="01JREMINDER",
        message_id=idempotency_key("01JREMINDER"),
    )
    with Stubber(client) as stub:
        stub.add_response(
            "send_email",
            {"MessageId": "ses-id"},
            {
                "FromEmailAddress": "reminders@example.com",
                "Destination": {"ToAddresses": ["ann@example.com"]},
                "Content": {"Raw": {"Data": raw}},
            },
        )
        SesReminderMail(sender="reminders@example.com", client=client).send("ann@example.com", raw)
        stub.assert_no_pending_responses()
