"""Twilio's webhook routes verify X-Twilio-Signature against the public URL before anything else."""

from __future__ import annotations

from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import requests

from commcenter.channels.twilio_form import parse_form
from commcenter.channels.twilio_signature import sign
from commcenter_local.stack import LocalStack

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SMS = [
    ("ToCountry", "US"),
    ("ToState", ""),
    ("SmsMessageSid", "SM0001"),
    ("NumMedia", "0"),
    ("Body", "Bonjour 👋"),
    ("To", "+14155550101"),
    ("MessageSid", "SM0001"),
    ("From", "+12025550143"),
    ("ApiVersion", "2010-04-01"),
    ("SmsStatus", "received"),
]
CALL = [("CallSid", "CA0001"), ("From", "+12025550143"), ("To", "+14155550101"), ("Caller", "+12025550143")]


def post_signed(stack: LocalStack, path: str, pairs: list[tuple[str, str]], token: str) -> requests.Response:
    body = urlencode(pairs)
    signature = sign(token, stack.base_url + path, parse_form(body))
    return requests.post(
        stack.base_url + path, data=body, headers={**FORM, "X-Twilio-Signature": signature}, timeout=10
    )


@pytest.mark.parametrize("path", ["/twilio/sms/incoming", "/twilio/sms/status"])
def test_signed_sms_webhooks_get_empty_twiml(local_stack: LocalStack, twilio_auth_token: str, path: str) -> None:
    response = post_signed(local_stack, path, SMS, twilio_auth_token)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response" and list(root) == []


def test_a_call_to_a_number_no_rep_owns_hears_unavailable(local_stack: LocalStack, twilio_auth_token: str) -> None:
    to_nobody = [(k, "+14155550998" if k == "To" else v) for k, v in CALL]
    response = post_signed(local_stack, "/twilio/voice/incoming", to_nobody, twilio_auth_token)
    assert response.status_code == 200
    verbs = [child.tag for child in ElementTree.fromstring(response.text)]
    assert verbs == ["Say", "Hangup"]


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/sms/incoming",
        "/twilio/sms/status",
        "/twilio/voice/incoming",
        "/twilio/voice/dial-result",
        "/twilio/voice/outgoing",
        "/twilio/voice/status",
        "/twilio/voice/recording",
    ],
)
def test_unsigned_forged_or_tampered_webhooks_are_refused(
    local_stack: LocalStack, twilio_auth_token: str, path: str
) -> None:
    body = urlencode(SMS)
    url = local_stack.base_url + path
    unsigned = requests.post(url, data=body, headers=FORM, timeout=10)
    assert unsigned.status_code == 403
    forged = post_signed(local_stack, path, SMS, token="not-the-auth-token")
    assert forged.status_code == 403
    good_signature = sign(twilio_auth_token, url, parse_form(body))
    tampered = requests.post(
        url, data=body.replace("Bonjour", "Payez"), headers={**FORM, "X-Twilio-Signature": good_signature}, timeout=10
    )
    assert tampered.status_code == 403
    assert tampered.json()["error"]["code"] == "forbidden"


def test_webhooks_refuse_json(local_stack: LocalStack) -> None:
    response = requests.post(local_stack.base_url + "/twilio/sms/incoming", json={"Body": "x"}, timeout=10)
    assert response.status_code == 415
