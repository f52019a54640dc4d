"""MMS attachments: only https URLs on Twilio's media hosts are kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commcenter.domain.media import TWILIO_MEDIA_HOSTS, is_twilio_media_url

MEDIA_PATH = "/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"


@pytest.mark.parametrize(
    "url",
    [
        f"https://api.twilio.com{MEDIA_PATH}",
        f"HTTPS://API.Twilio.com{MEDIA_PATH}",  # scheme and host are case-insensitive
        f"https://api.twilio.com:443{MEDIA_PATH}",
        "https://mms.twiliocdn.com/AC0/abc?Expires=1&Signature=x",
        "https://media.twiliocdn.com/AC0/abc",
    ],
)
def test_twilio_media_is_kept(url: str) -> None:
    assert is_twilio_media_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)",
        "JavaScript://api.twilio.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        f"http://api.twilio.com{MEDIA_PATH}",  # not https
        f"//api.twilio.com{MEDIA_PATH}",  # no scheme
        f"ftp://api.twilio.com{MEDIA_PATH}",
        "https://evil.example/x.jpg",
        "https://api.twilio.com.evil.example/x",
        "https://evilapi.twilio.com/x",
        "https://twilio.com/x",
        "https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC0/x",  # anyone's S3
        "https://api.twilio.com@evil.example/x",  # credentials, and another host
        "https://user:pw@api.twilio.com/x",
        "https://evil.example\\@api.twilio.com/x",
        "https://api.twilio.com\\@evil.example/x",
        "https://api.twilio.com:8443/x",
        "https://api.twilio.com:99999/x",
        " https://api.twilio.com/x",
        "https://api.twilio.com/x\n",
        "https://api.twil\tio.com/x",
        "",
        "https://",
    ],
)
def test_anything_else_is_dropped(url: str) -> None:
    assert not is_twilio_media_url(url)


@given(st.text())
def test_no_text_is_kept_unless_it_is_a_twilio_https_url(text: str) -> None:
    if is_twilio_media_url(text):
        assert text.lower().startswith(tuple(f"https://{host}" for host in TWILIO_MEDIA_HOSTS))


@given(st.sampled_from(sorted(TWILIO_MEDIA_HOSTS)), st.from_regex(r"[A-Za-z0-9/._~-]{0,40}", fullmatch=True))
def test_any_path_on_a_twilio_host_is_kept(host: str, path: str) -> None:
    assert is_twilio_media_url(f"https://{host}/{path}")
