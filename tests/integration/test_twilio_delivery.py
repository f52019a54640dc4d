"""Twilio delivery: every URL Twilio is given carries its connection overrides (a webhook that
fails is retried), the same in the template's outputs, the README and what `commcenter dev`
prints; a URL with them validates as Twilio calls it."""

from __future__ import annotations

import re

import pytest
from api_support import ALICE_NUMBER, call_facts

from commcenter.channels.twilio_webhooks import CONNECTION_OVERRIDES
from commcenter.services.call_log import find_call
from commcenter_local.commands.dev import twilio_webhooks
from commcenter_local.simulate import incoming_sms_params, new_sid, post_to, simulate_call, voice_params
from commcenter_local.stack import ROOT, LocalStack
from commcenter_local.template import read_yaml
from commcenter_local.twilio_console import CONSOLE_WEBHOOKS, console_webhooks

FRAGMENT = "#" + CONNECTION_OVERRIDES
ROUTES = {path for _, path in CONSOLE_WEBHOOKS}


def test_the_templates_outputs_give_twilio_urls_with_connection_overrides() -> None:
    outputs = read_yaml(ROOT / "template.yaml")["Outputs"]
    urls = [
        output["Value"]["Fn::Sub"][0]
        for output in outputs.values()
        if isinstance(output["Value"], dict) and "/twilio/" in str(output["Value"])
    ]
    assert {url.removeprefix("${Base}").removesuffix(FRAGMENT) for url in urls} == ROUTES
    assert all(url.endswith(FRAGMENT) for url in urls)


def test_the_readme_gives_the_same_urls() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Twilio webhook URLs", 1)[1].split("\n## ", 1)[0]
    urls = re.findall(r"`\{ApiUrl\}(/twilio/[^`]*)`", section)
    assert {url.removesuffix(FRAGMENT) for url in urls} == ROUTES
    assert all(url.endswith(FRAGMENT) for url in urls)
    assert "Primary handler fails" in section  # the fallback URL


def test_the_local_stack_prints_them(local_stack: LocalStack) -> None:
    printed = twilio_webhooks(local_stack)
    for _, url in console_webhooks(local_stack.options.public_base_url or local_stack.base_url):
        assert url in printed and url.endswith(FRAGMENT)


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_a_webhook_posted_to_its_url_with_overrides_is_accepted(
    local_stack: LocalStack, twilio_auth_token: str, path: str
) -> None:
    """Posted as Twilio posts to the URL it was given: without the fragment, signed without it."""
    (url,) = [url for _, url in console_webhooks(local_stack.base_url) if url.startswith(local_stack.base_url + path)]
    if path == "/twilio/sms/incoming":
        params = incoming_sms_params(from_number="+12085550199", to_number=ALICE_NUMBER, body="with overrides")
    elif path == "/twilio/sms/status":
        params = [("MessageSid", new_sid("SM")), ("MessageStatus", "delivered"), ("To", "+12085550199")]
    else:
        params = [*voice_params(new_sid("CA"), "+12085550198", ALICE_NUMBER, "ringing"), ("SequenceNumber", "0")]
    response = post_to(url, twilio_auth_token, params)
    assert response.status_code == 200, response.text


def test_a_call_followed_through_its_twiml_urls_is_stored(local_stack: LocalStack, twilio_auth_token: str) -> None:
    """The TwiML's callbacks carry the overrides too; Twilio follows them without the fragment."""
    call = simulate_call(
        local_stack.base_url, twilio_auth_token, from_number="+12085550197", to_number=ALICE_NUMBER, outcome="voicemail"
    )
    followed = [(url, status) for url, status, _ in call.steps if url.endswith(FRAGMENT)]
    assert len(followed) >= 3, call.steps  # the dial results, the voicemail and its recording
    assert all(status == 200 for _, status in followed)
    stored = find_call(call.call_sid)
    assert stored is not None and call_facts(stored).voicemail is True
