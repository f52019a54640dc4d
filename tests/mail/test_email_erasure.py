"""Erasing a person takes their email too: the activities, the raw messages, large HTML and
attachments in the mail bucket, and where the email's claims (its Message-ID's, its open
pixel's) pointed. The claims themselves stay without a pointer, so a later poll of the same
message is refused as a duplicate."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import msgspec
import requests
from conftest import MailUser
from mail_support import Api, connect, contact_with, message, poll

from commcenter.data import mail_objects, message_refs, reps
from commcenter.domain.emails import dedupe_key_of
from commcenter.domain.facts import EmailFacts
from commcenter.domain.reps import Rep
from commcenter.services.external_ids import activity_of
from commcenter_local.mail_server import LocalDovecot, LocalSmtp
from commcenter_local.stack import LocalStack


def _exists(key: str) -> bool:
    try:
        mail_objects.get(key)
    except Exception as error:  # botocore's NoSuchKey, raised by the real client
        assert "NoSuchKey" in type(error).__name__ or "NoSuchKey" in str(error), error
        return False
    return True


def test_an_erasure_deletes_the_persons_email_and_its_objects(
    local_stack: LocalStack,
    mail_user: MailUser,
    dovecot: LocalDovecot,
    smtp_server: LocalSmtp,
    api_url: str,
    dev_token: Callable[[str], str],
) -> None:
    rep = connect(mail_user, dovecot, smtp=smtp_server.endpoint("starttls"))
    admin = Rep(id=f"R{uuid.uuid4().hex[:12].upper()}", name="Admin", email=f"admin-{uuid.uuid4().hex[:6]}@team.test")
    reps.create(msgspec.structs.replace(admin, role="admin"))
    address = f"erased-{uuid.uuid4().hex[:8]}@client.test"
    record_id = contact_with(address, rep)
    words = f"confidential-{uuid.uuid4().hex[:8]}"

    received_id = f"<{uuid.uuid4().hex}@client.test>"
    dovecot.append(
        mail_user.name,
        "INBOX",
        message(address, mail_user.address, f"About {words}", message_id=received_id, attachment=words.encode()),
    )
    assert poll(rep).messages == 1
    received_key = dedupe_key_of(received_id.strip("<>"))

    rep_api, admin_api = Api(api_url, dev_token(rep.email)), Api(api_url, dev_token(admin.email))
    sent = rep_api(
        "POST",
        "/api/emails/send",
        {"client_request_id": uuid.uuid4().hex, "to": [address], "subject": words, "text": words},
    )
    assert sent.status_code == 201 and sent.json()["send_status"] == "sent", sent.text
    sent_key = sent.json()["id"]
    received, sending = activity_of(message_refs.email_ref(received_key)), activity_of(message_refs.email_ref(sent_key))
    assert isinstance(received.data, EmailFacts) and isinstance(sending.data, EmailFacts)  # type: ignore[union-attr]
    token = sending.data.open_token  # type: ignore[union-attr]
    assert token is not None
    objects = [received.data.raw_key, sending.data.raw_key, *(a.key for a in received.data.attachments)]  # type: ignore[union-attr]
    assert len(objects) == 3 and all(key is not None and _exists(key) for key in objects)

    erased = admin_api("POST", f"/api/records/{record_id}/erase", {"confirm_name": "Hélène Mail"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["activities"] == 2 and erased.json()["mail_objects"] == 3

    assert not any(key is not None and _exists(key) for key in objects)
    for key in (received_key, sent_key):
        assert rep_api("GET", f"/api/emails/{key}").status_code == 404
        claim = message_refs.get(message_refs.email_ref(key))
        assert claim is not None and claim.owner is None and claim.sk is None
    # The open pixel's claim no longer says where the email was, and a fetch of it records nothing.
    pixel = message_refs.get(message_refs.open_ref(token))
    assert pixel is not None and pixel.owner is None and pixel.sk is None
    assert requests.get(f"{api_url}/mail/o/{token}", allow_redirects=False, timeout=30).status_code == 302
