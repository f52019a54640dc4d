"""Twilio's signature: every parameter counts, blanks and repeats included; either URL form passes."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.channels.twilio_form import TwilioForm, parse_form
from commcenter.channels.twilio_signature import is_signed_by_twilio, public_url, sign
from commcenter.channels.twilio_webhooks import CONNECTION_OVERRIDES, requested_url, with_retries
from commcenter.errors import ValidationError

TOKEN = "test-auth-token-0123456789abcdef"
URL = "https://hooks.example.com/prod/twilio/sms/incoming"

PARAMS = st.lists(
    st.tuples(
        st.text(alphabet=st.characters(min_codepoint=65, max_codepoint=122), min_size=1, max_size=12),
        st.text(max_size=20),
    ),
    max_size=12,
)


def real_sms_body() -> str:
    return urlencode(
        [
            ("ToCountry", "US"),
            ("ToState", ""),
            ("SmsMessageSid", "SM1f0e"),
            ("NumMedia", "0"),
            ("ToCity", ""),
            ("FromZip", ""),
            ("SmsSid", "SM1f0e"),
            ("FromState", "CA"),
            ("SmsStatus", "received"),
            ("Body", "Hello 👋 & bonjour"),
            ("To", "+14155550101"),
            ("MessagingServiceSid", "MG123"),
            ("MessageSid", "SM1f0e"),
            ("AccountSid", "AC123"),
            ("From", "+12025550143"),
            ("ApiVersion", "2010-04-01"),
        ]
    )


def test_a_real_payload_with_blank_values_verifies() -> None:
    form = parse_form(real_sms_body())
    assert form.get("ToState") == ""
    assert is_signed_by_twilio(TOKEN, URL, form, sign(TOKEN, URL, form))


def test_dropping_blank_values_would_break_the_signature() -> None:
    form = parse_form(real_sms_body())
    without_blanks = TwilioForm([(k, v) for k, v in form.pairs if v])
    assert not is_signed_by_twilio(TOKEN, URL, without_blanks, sign(TOKEN, URL, form))


def test_voice_signed_without_port_and_sms_with_port_both_verify() -> None:
    form = parse_form(real_sms_body())
    with_port = "https://hooks.example.com:443/prod/twilio/sms/incoming"
    assert is_signed_by_twilio(TOKEN, URL, form, sign(TOKEN, with_port, form))
    assert is_signed_by_twilio(TOKEN, with_port, form, sign(TOKEN, URL, form))


@given(PARAMS)
def test_any_signed_form_verifies_and_any_change_is_refused(pairs: list[tuple[str, str]]) -> None:
    form = TwilioForm(pairs)
    signature = sign(TOKEN, URL, form)
    assert is_signed_by_twilio(TOKEN, URL, form, signature)
    tampered = TwilioForm([*pairs, ("Injected", "1")])
    assert not is_signed_by_twilio(TOKEN, URL, tampered, signature)
    assert not is_signed_by_twilio(TOKEN, URL + "x", form, signature)
    assert not is_signed_by_twilio("another-token", URL, form, signature)


def test_repeated_keys_keep_every_value() -> None:
    form = parse_form("MediaUrl0=a&MediaUrl0=b&Body=")
    assert form.getall("MediaUrl0") == ["a", "b"]
    signature = sign(TOKEN, URL, form)
    assert not is_signed_by_twilio(TOKEN, URL, parse_form("MediaUrl0=a&Body="), signature)


def test_missing_signature_is_refused() -> None:
    form = parse_form(real_sms_body())
    assert not is_signed_by_twilio(TOKEN, URL, form, None)
    assert not is_signed_by_twilio(TOKEN, URL, form, "")


def test_base64_bodies_from_api_gateway_are_decoded() -> None:
    body = base64.b64encode(real_sms_body().encode()).decode()
    assert parse_form(body, is_base64=True).get("Body") == "Hello 👋 & bonjour"


@pytest.mark.parametrize(("body", "b64"), [("no-equals-sign", False), ("a=%ff", False), ("@@@", True)])
def test_malformed_bodies_are_a_validation_error(body: str, b64: bool) -> None:
    with pytest.raises(ValidationError):
        parse_form(body, is_base64=b64)


def test_public_url_is_the_configured_base_plus_the_route() -> None:
    assert public_url("https://x.example/prod/", "/twilio/sms/status") == "https://x.example/prod/twilio/sms/status"
    assert public_url("https://x.example", "/t", "a=1") == "https://x.example/t?a=1"


def test_a_url_with_connection_overrides_validates_as_before() -> None:
    """Twilio is given the URL with its connection overrides; it requests and signs the URL
    without the fragment, which is the public URL the webhook checks."""
    given = with_retries(URL)
    assert given == f"{URL}#{CONNECTION_OVERRIDES}" and with_retries(given) == given
    form = parse_form(real_sms_body())
    signature = sign(TOKEN, requested_url(given), form)
    assert is_signed_by_twilio(
        TOKEN, public_url("https://hooks.example.com/prod", "/twilio/sms/incoming"), form, signature
    )
    # The fragment is not part of what is checked: a signature over it is not Twilio's.
    assert not is_signed_by_twilio(TOKEN, URL, form, sign(TOKEN, given, form))
    with_query = with_retries(f"{URL}?kind=voicemail")
    assert requested_url(with_query) == f"{URL}?kind=voicemail"
    assert is_signed_by_twilio(TOKEN, f"{URL}?kind=voicemail", form, sign(TOKEN, requested_url(with_query), form))
