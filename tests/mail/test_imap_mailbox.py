"""The IMAP adapter against a real Dovecot: logins, TLS, folders, STATUS, UID searches, fetches,
CONDSTORE flag changes, \\Seen, and every failure in plain words."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import MailUser, NewMailUser
from stack_environment import environment

from commcenter.channels.imap_mailbox import FetchedMessage, ImapMailbox, PasswordLogin
from commcenter.domain.mailboxes import MailError, ServerEndpoint
from commcenter_local.mail_server import LocalDovecot, LocalMailCA, free_port


def raw_message(subject: str, *, message_id: str | None = None, body: str = "Hello.") -> bytes:
    lines = [
        "From: Hélène Durand <helene@acme.example>",
        "To: rep@commcenter.test",
        f"Subject: {subject}",
        "Date: Tue, 02 Dec 2025 09:30:00 +0100",
    ]
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def flags_of(dovecot: LocalDovecot, user: MailUser, folder: str, uid: int) -> tuple[bytes, ...]:
    """The flags as another client of the same mailbox sees them."""
    with dovecot.session(user.name) as client:
        client.select_folder(folder, readonly=True)
        return tuple(client.get_flags([uid])[uid])


@pytest.fixture
def mailbox(dovecot: LocalDovecot, mail_user: MailUser) -> Iterator[ImapMailbox]:
    with ImapMailbox(dovecot.endpoint("tls"), mail_user.login, timeout=5) as box:
        yield box


# --- connecting -----------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["tls", "starttls"])
def test_a_rep_logs_in_over_tls_and_over_starttls(dovecot: LocalDovecot, mail_user: MailUser, tls: str) -> None:
    with ImapMailbox(dovecot.endpoint(tls), mail_user.login, timeout=5) as box:  # type: ignore[arg-type]
        assert box.folders() == {"inbox": "INBOX", "sent": "Sent"}
        # CONDSTORE is known after login (with STARTTLS too, where the pre-TLS list lacks it).
        assert box.status("INBOX").highest_modseq is not None


@pytest.mark.parametrize("tls", ["tls", "starttls"])
def test_a_wrong_password_is_a_login_error_in_plain_words(dovecot: LocalDovecot, mail_user: MailUser, tls: str) -> None:
    box = ImapMailbox(dovecot.endpoint(tls), PasswordLogin(mail_user.name, "not-the-password"), timeout=5)  # type: ignore[arg-type]
    with pytest.raises(MailError) as failure:
        box.open()
    assert failure.value.kind == "login"
    assert failure.value.user_must_act
    assert failure.value.message == (
        "The server refused the user name or password (it said: [AUTHENTICATIONFAILED] Authentication failed.)"
    )
    box.close()  # never raises, connected or not


def test_a_server_whose_certificate_no_trusted_authority_signed_is_a_tls_error(mail_user: MailUser) -> None:
    other_ca = LocalMailCA(name="an authority nobody here trusts")
    try:
        with LocalDovecot(other_ca) as untrusted:
            untrusted.add_user(mail_user.name, mail_user.password)
            with pytest.raises(MailError) as failure:
                ImapMailbox(untrusted.endpoint("tls"), mail_user.login, timeout=5).open()
            assert failure.value.kind == "tls"
            assert failure.value.message.startswith("The certificate of 127.0.0.1 could not be verified")
            with pytest.raises(MailError) as failure:
                ImapMailbox(untrusted.endpoint("starttls"), mail_user.login, timeout=5).open()
            assert failure.value.kind == "tls"
    finally:
        other_ca.remove()


def test_without_the_local_ca_only_the_systems_authorities_are_trusted(
    dovecot: LocalDovecot, mail_user: MailUser
) -> None:
    with environment({"MAIL_CA_FILE": ""}), pytest.raises(MailError) as failure:
        ImapMailbox(dovecot.endpoint("tls"), mail_user.login, timeout=5).open()
    assert failure.value.kind == "tls"


def test_a_name_that_does_not_resolve_is_a_dns_error(mail_user: MailUser) -> None:
    with pytest.raises(MailError) as failure:
        ImapMailbox(ServerEndpoint(host="imap.commcenter.invalid", port=993), mail_user.login, timeout=5).open()
    assert failure.value.kind == "dns"
    assert failure.value.message == "The server name imap.commcenter.invalid does not resolve: check its spelling"


def test_a_closed_port_is_a_connect_error(mail_user: MailUser) -> None:
    port = free_port()
    with pytest.raises(MailError) as failure:
        ImapMailbox(ServerEndpoint(host="127.0.0.1", port=port), mail_user.login, timeout=5).open()
    assert failure.value.kind == "connect"
    assert failure.value.message == f"127.0.0.1 refuses connections on port {port}: check the port"


def test_tls_on_the_starttls_port_says_to_check_the_port_and_security(
    dovecot: LocalDovecot, mail_user: MailUser
) -> None:
    wrong = ServerEndpoint(host="127.0.0.1", port=dovecot.endpoint("starttls").port, tls="tls")
    with pytest.raises(MailError) as failure:
        ImapMailbox(wrong, mail_user.login, timeout=5).open()
    assert failure.value.kind == "tls"
    assert "check the port and the security setting" in failure.value.message


def test_starttls_on_the_tls_port_times_out_in_plain_words(dovecot: LocalDovecot, mail_user: MailUser) -> None:
    wrong = ServerEndpoint(host="127.0.0.1", port=dovecot.endpoint("tls").port, tls="starttls")
    with pytest.raises(MailError) as failure:
        ImapMailbox(wrong, mail_user.login, timeout=0.5).open()
    assert failure.value.kind == "timeout"
    assert failure.value.message.startswith(f"127.0.0.1 port {wrong.port} did not answer within 0.5 seconds")


def test_a_server_gone_while_connected_is_a_connect_error_and_comes_back_on_the_same_port(
    mail_ca: LocalMailCA, mail_user: MailUser
) -> None:
    with LocalDovecot(mail_ca) as server:
        server.add_user(mail_user.name, mail_user.password)
        uid = server.append(mail_user.name, "INBOX", raw_message("Before the outage", message_id="outage@acme.example"))
        endpoint = server.endpoint("tls")
        box = ImapMailbox(endpoint, mail_user.login, timeout=5)
        box.open()
        server.stop()
        with pytest.raises(MailError) as failure:
            box.status("INBOX")
        assert failure.value.kind == "connect"
        box.close()
        with pytest.raises(MailError) as failure:
            ImapMailbox(endpoint, mail_user.login, timeout=5).open()
        assert failure.value.kind == "connect"
        server.start()
        assert server.endpoint("tls") == endpoint
        with ImapMailbox(endpoint, mail_user.login, timeout=5) as again:
            again.select("INBOX")
            assert [message.uid for message in again.fetch(again.uids_above(0))] == [uid]


# --- folders ----------------------------------------------------------------------------------


def test_the_sent_folder_is_found_by_its_special_use_flag_before_any_usual_name(
    dovecot: LocalDovecot, new_mail_user: NewMailUser
) -> None:
    # "Gesendet" is marked \Sent by the server; "Sent Items" only has a usual name.
    user = new_mail_user(folders=("Sent Items", "Gesendet"))
    with ImapMailbox(dovecot.endpoint("tls"), user.login, timeout=5) as box:
        assert box.folders() == {"inbox": "INBOX", "sent": "Gesendet"}


def test_without_a_special_use_flag_the_sent_folder_is_found_by_its_usual_name(
    dovecot: LocalDovecot, new_mail_user: NewMailUser
) -> None:
    user = new_mail_user(folders=("Archive", "Sent Items"))
    with ImapMailbox(dovecot.endpoint("tls"), user.login, timeout=5) as box:
        assert box.folders() == {"inbox": "INBOX", "sent": "Sent Items"}


def test_no_sent_folder_is_an_error_in_plain_words(dovecot: LocalDovecot, new_mail_user: NewMailUser) -> None:
    user = new_mail_user(folders=("Archive",))
    with ImapMailbox(dovecot.endpoint("tls"), user.login, timeout=5) as box, pytest.raises(MailError) as failure:
        box.folders()
    assert failure.value.kind == "no_sent_folder"
    assert failure.value.message.startswith("No Sent folder was found")


# --- STATUS and SELECT ------------------------------------------------------------------------


def test_status_is_one_status_command_and_tells_where_the_folder_stands(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox, caplog: pytest.LogCaptureFixture
) -> None:
    empty = mailbox.status("INBOX")
    assert (empty.messages, empty.uidnext) == (0, 1)
    dovecot.append(mail_user.name, "INBOX", raw_message("One", message_id="one@acme.example"))
    dovecot.append(mail_user.name, "INBOX", raw_message("Two", message_id="two@acme.example"))

    with caplog.at_level(logging.DEBUG, logger="imapclient.imaplib"):
        status = mailbox.status("INBOX")
    sent_commands = [record.getMessage() for record in caplog.records if record.getMessage().startswith("> ")]
    assert len(sent_commands) == 1 and " STATUS " in sent_commands[0], sent_commands
    assert "HIGHESTMODSEQ" in sent_commands[0]

    assert status.name == "INBOX"
    assert (status.messages, status.uidnext, status.uidvalidity) == (2, 3, empty.uidvalidity)
    assert status.highest_modseq is not None and empty.highest_modseq is not None
    assert status.highest_modseq > empty.highest_modseq


def test_select_tells_the_same_as_status(dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox) -> None:
    dovecot.append(mail_user.name, "Sent", raw_message("Sent from the rep's own client", message_id="s@x"))
    assert mailbox.select("Sent") == mailbox.status("Sent")


def test_an_unknown_folder_is_a_protocol_error_naming_it(mailbox: ImapMailbox) -> None:
    with pytest.raises(MailError) as failure:
        mailbox.status("Nowhere")
    assert failure.value.kind == "protocol"
    assert "about the folder Nowhere" in failure.value.message


def test_a_recreated_folder_has_a_new_uidvalidity_and_the_same_messages(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    for folder in ("INBOX", "Sent"):
        dovecot.append(mail_user.name, folder, raw_message("Kept", message_id=f"kept-{folder}@acme.example"))
        before = mailbox.status(folder)
        assert dovecot.recreate_folder(mail_user.name, folder) != before.uidvalidity
        after = mailbox.select(folder)
        assert after.uidvalidity != before.uidvalidity
        [message] = list(mailbox.fetch(mailbox.uids_above(0)))
        assert f"kept-{folder}@acme.example".encode() in message.raw


# --- UID searches -----------------------------------------------------------------------------


def test_uids_above_leaves_out_the_last_message_that_n_plus_1_star_matches(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    uids = [dovecot.append(mail_user.name, "INBOX", raw_message(f"#{n}", message_id=f"{n}@x")) for n in range(3)]
    mailbox.select("INBOX")
    # The quirk itself: with nothing above 3, "UID 4:*" is "UID 3:4" and matches the last message.
    with dovecot.session(mail_user.name) as client:
        client.select_folder("INBOX", readonly=True)
        assert list(client.search(["UID", f"{uids[-1] + 1}:*"])) == [uids[-1]]
    assert mailbox.uids_above(uids[-1]) == []
    assert mailbox.uids_above(uids[0]) == uids[1:]
    assert mailbox.uids_above(0) == uids


def test_uids_since_takes_the_messages_that_arrived_on_or_after_a_day(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    today = datetime.now(UTC)
    old = dovecot.append(mail_user.name, "INBOX", raw_message("Old"), date=today - timedelta(days=120))
    recent = dovecot.append(mail_user.name, "INBOX", raw_message("Recent"), date=today - timedelta(days=10))
    new = dovecot.append(mail_user.name, "INBOX", raw_message("New"))
    mailbox.select("INBOX")
    assert mailbox.uids_since(date.today() - timedelta(days=90)) == [recent, new]
    assert mailbox.uids_since(date.today() - timedelta(days=200)) == [old, recent, new]


# --- fetching ---------------------------------------------------------------------------------


def test_fetch_gives_each_message_whole_with_its_flags_and_arrival_and_never_marks_it_read(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    arrived = datetime(2025, 11, 20, 8, 15, 30, tzinfo=UTC)
    unread_raw = raw_message("Unread", message_id="unread@acme.example", body="Un message non lu 📬")
    unread = dovecot.append(mail_user.name, "INBOX", unread_raw, date=arrived)
    read = dovecot.append(mail_user.name, "INBOX", raw_message("Read"), flags=[b"\\Seen"])
    mailbox.select("INBOX")

    fetched = list(mailbox.fetch([read, unread]))

    assert fetched[0] == FetchedMessage(uid=unread, raw=unread_raw, seen=False, internal_date=arrived)
    assert (fetched[1].uid, fetched[1].seen) == (read, True)
    assert fetched[1].internal_date is not None and fetched[1].internal_date.tzinfo is not None
    assert b"\\Seen" not in flags_of(dovecot, mail_user, "INBOX", unread)


def test_fetch_goes_in_batches_in_uid_order_and_skips_what_was_expunged(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox, caplog: pytest.LogCaptureFixture
) -> None:
    uids = dovecot.append_many(mail_user.name, "INBOX", [raw_message(f"#{n}", message_id=f"b{n}@x") for n in range(5)])
    with dovecot.session(mail_user.name) as client:
        client.select_folder("INBOX")
        client.delete_messages([uids[2]])
        client.expunge()
    mailbox.select("INBOX")

    with caplog.at_level(logging.DEBUG, logger="imapclient.imaplib"):
        fetched = [message.uid for message in mailbox.fetch(list(reversed(uids)), batch=2)]

    assert fetched == [uids[0], uids[1], uids[3], uids[4]]
    fetches = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("> ") and " FETCH " in r.getMessage()
    ]
    assert len(fetches) == 3


# --- flags ------------------------------------------------------------------------------------


def test_seen_changes_made_in_the_reps_own_client_flow_back_with_their_message_id(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    first = dovecot.append(mail_user.name, "INBOX", raw_message("First", message_id="First.One@Acme.example"))
    second = dovecot.append(mail_user.name, "INBOX", raw_message("No id"))
    third = dovecot.append(
        mail_user.name, "INBOX", raw_message("Third", message_id="third@acme.example"), flags=[b"\\Seen"]
    )
    checkpoint = mailbox.select("INBOX").highest_modseq
    assert checkpoint is not None
    assert mailbox.seen_changes(checkpoint) == []

    with dovecot.session(mail_user.name) as own_client:  # the rep reads and unreads in their client
        own_client.select_folder("INBOX")
        own_client.add_flags([first, second], [b"\\Seen"])
        own_client.remove_flags([third], [b"\\Seen"])

    changes = mailbox.seen_changes(checkpoint)
    assert [(c.uid, c.seen, c.message_id) for c in changes] == [
        (first, True, "First.One@Acme.example"),
        (second, True, None),
        (third, False, "third@acme.example"),
    ]
    assert mailbox.seen_changes(mailbox.status("INBOX").highest_modseq or 0) == []


def test_set_seen_marks_read_and_unread_on_the_server(
    dovecot: LocalDovecot, mail_user: MailUser, mailbox: ImapMailbox
) -> None:
    uid = dovecot.append(mail_user.name, "INBOX", raw_message("Read in the dashboard"))
    mailbox.select("INBOX")
    mailbox.set_seen([uid], True)
    assert b"\\Seen" in flags_of(dovecot, mail_user, "INBOX", uid)
    mailbox.set_seen([uid], False)
    assert b"\\Seen" not in flags_of(dovecot, mail_user, "INBOX", uid)
    mailbox.set_seen([], True)  # nothing to do, no request
