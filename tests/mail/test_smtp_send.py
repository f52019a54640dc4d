"""Submitting a message to a real SMTP server (aiosmtpd on 127.0.0.1, over STARTTLS and TLS): what
arrives, recipients refused one by one or all, the message refused, and a connection dropped
after the message's end (the one failure that leaves open whether it was sent)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from conftest import MailUser

from commcenter.channels import smtp_submission
from commcenter.channels.mail_transport import PasswordLogin
from commcenter.domain.email_message import parse_email
from commcenter.domain.facts import EmailAddress
from commcenter.domain.mailboxes import MailError
from commcenter.domain.outgoing_email import OutgoingEmail, for_sending, message_id_for
from commcenter_local.mail_server import LocalSmtp, ReceivedMail


def address() -> str:
    return f"client-{uuid.uuid4().hex[:10]}@client.test"


def message(user: MailUser, *recipients: str, text: str = "Hello\n.\n..two dots\nbye") -> bytes:
    mail = OutgoingEmail(
        sender=EmailAddress(user.address, "Rep"),
        to=tuple(EmailAddress(a) for a in recipients),
        cc=(),
        subject="Quote",
        text=text,
        message_id=message_id_for("R1", uuid.uuid4().hex, user.address),
        date=datetime.now(UTC),
    )
    return for_sending(mail, "https://api.test/mail/o/token")


def delivered_to(server: LocalSmtp, recipient: str) -> list[ReceivedMail]:
    return [mail for mail in server.received if recipient in mail.rcpt_tos]


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_a_message_arrives_whole_with_its_envelope(smtp_server: LocalSmtp, mail_user: MailUser, tls: str) -> None:
    to = address()
    raw = message(mail_user, to)
    result = smtp_submission.send(smtp_server.endpoint(tls), mail_user.login, mail_user.address, [to], raw)  # type: ignore[arg-type]
    assert result.refused == {}
    (got,) = delivered_to(smtp_server, to)
    assert (got.login, got.mail_from, got.rcpt_tos) == (mail_user.name, mail_user.address, (to,))
    # Lines starting with a dot arrive as written (dot-stuffing undone by the server).
    assert got.content.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert parse_email(got.content).text.rstrip("\n") == "Hello\n.\n..two dots\nbye"


def test_a_refused_recipient_is_named_and_the_others_get_it(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    good, bad = address(), address()
    smtp_server.refuse_recipients.add(bad)
    result = smtp_submission.send(
        smtp_server.endpoint(), mail_user.login, mail_user.address, [good, bad], message(mail_user, good, bad)
    )
    assert list(result.refused) == [bad] and result.refused[bad].startswith("550")
    (got,) = delivered_to(smtp_server, good)
    assert got.rcpt_tos == (good,)


def test_every_recipient_refused_is_a_refusal_and_nothing_is_sent(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    bad = address()
    smtp_server.refuse_recipients.add(bad)
    with pytest.raises(smtp_submission.SmtpRefused) as refused:
        smtp_submission.send(smtp_server.endpoint(), mail_user.login, mail_user.address, [bad], message(mail_user, bad))
    assert bad in refused.value.message and "No such user" in refused.value.message
    assert list(refused.value.refused) == [bad] and not refused.value.outcome_unknown
    assert delivered_to(smtp_server, bad) == []


def test_a_message_refused_at_its_end_is_a_refusal(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    to = address()
    smtp_server.refuse_message_to.add(to)
    with pytest.raises(smtp_submission.SmtpRefused) as refused:
        smtp_submission.send(smtp_server.endpoint(), mail_user.login, mail_user.address, [to], message(mail_user, to))
    assert "554" in refused.value.message and not refused.value.outcome_unknown
    assert delivered_to(smtp_server, to) == []


def test_no_answer_after_the_message_end_leaves_the_outcome_unknown(
    smtp_server: LocalSmtp, mail_user: MailUser
) -> None:
    to = address()
    smtp_server.drop_after_message_to.add(to)
    with pytest.raises(MailError) as failed:
        smtp_submission.send(smtp_server.endpoint(), mail_user.login, mail_user.address, [to], message(mail_user, to))
    assert failed.value.outcome_unknown and not isinstance(failed.value, smtp_submission.SmtpRefused)
    assert "may have been sent" in failed.value.message
    assert len(delivered_to(smtp_server, to)) == 1  # it was


def test_a_wrong_password_fails_before_anything_is_sent(smtp_server: LocalSmtp, mail_user: MailUser) -> None:
    to = address()
    with pytest.raises(MailError) as failed:
        smtp_submission.send(
            smtp_server.endpoint(),
            PasswordLogin(mail_user.name, "wrong"),
            mail_user.address,
            [to],
            message(mail_user, to),
        )
    assert failed.value.kind == "login" and not failed.value.outcome_unknown
    assert delivered_to(smtp_server, to) == []
