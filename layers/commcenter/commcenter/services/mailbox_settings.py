"""The signed-in rep's own mailbox: connect it (settings + password, or a Google or Microsoft
account through `mailbox_oauth`), read how its sync goes, retry now, disconnect it.

The secret goes one way: into Secrets Manager when the rep types it, never back out (the view
says only whether one is stored). Every check runs before anything is written, so a refused
change changes nothing.
"""

from __future__ import annotations

import msgspec

from commcenter.channels.mail_transport import MailLogin, PasswordLogin
from commcenter.data import mailbox_secrets, mailboxes
from commcenter.domain.clock import now_iso
from commcenter.domain.mailbox_views import (
    CleanMailbox,
    MailboxInput,
    MailboxView,
    clean_mailbox_input,
    first_sync_days,
    hands_secret_elsewhere,
    is_another_mailbox,
    mailbox_view,
)
from commcenter.domain.mailboxes import AuthKind, MailboxSettings, MailError, SyncHealth
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, NotFoundError, ValidationError
from commcenter.services import mailbox_connection, mailbox_oauth
from commcenter.services.mailbox_connection import ConnectionReport, ConnectionStep
from commcenter.services.mailbox_oauth import OAuthFinishInput, OAuthStartInput, OAuthStartView

STALE = "the mailbox settings were changed meanwhile: reload them"


def mailbox_of(rep: Rep) -> MailboxView:
    """The rep's mailbox and its sync health (one Query), and whether its secret is stored."""
    state = mailboxes.load(rep.id)
    stored = state.settings is not None and mailbox_secrets.get(rep.id) is not None
    return _view(state.settings, state.health, secret_stored=stored)


def _view(settings: MailboxSettings | None, health: SyncHealth, *, secret_stored: bool) -> MailboxView:
    offered = mailbox_oauth.available_providers()
    return mailbox_view(settings, health, secret_stored=secret_stored, connect_with=offered)


def save_mailbox(rep: Rep, form: MailboxInput) -> MailboxView:
    """Connect the rep's mailbox, or change it (optimistic: `form.version` is the one read).

    The password is kept when left out, except where it would reach a server it was not typed
    for (a new IMAP or SMTP host). Another mailbox (another IMAP server or user) starts its sync
    again; any change clears the backoff, so the next poll, within a minute, tries it."""
    wanted = clean_mailbox_input(form)
    state = mailboxes.load(rep.id)
    stored = state.settings
    if form.version != (stored.version if stored is not None else 0):
        raise ConflictError(STALE)
    auth = _auth_after(rep, stored, wanted)
    now = now_iso()
    settings = MailboxSettings(
        rep_id=rep.id,
        address=wanted.address,
        username=wanted.username,
        auth=auth,
        imap=wanted.imap,
        smtp=wanted.smtp,
        first_sync_days=first_sync_days(stored, wanted),
        created_at=stored.created_at if stored is not None else now,
        updated_at=now,
        version=form.version,
    )
    health = state.health
    if stored is not None and is_another_mailbox(stored, wanted):
        # Its checkpoints, health and counts were another mailbox's: it is connected afresh.
        mailboxes.delete_mailbox(rep.id)
        settings = msgspec.structs.replace(settings, created_at=now, version=0)
        health = SyncHealth()
    if wanted.password is not None:
        mailbox_secrets.put(rep.id, {"password": wanted.password})
    saved = mailboxes.save_settings(settings)
    if health.retry_at is not None:
        mailboxes.clear_backoff(rep.id)
        health = msgspec.structs.replace(health, retry_at=None)
    return _view(saved, health, secret_stored=True)


def _auth_after(rep: Rep, stored: MailboxSettings | None, wanted: CleanMailbox) -> AuthKind:
    """How the mailbox logs in after the change: with the typed password, else as before when
    the stored secret may serve (a 400 on `password` otherwise)."""
    if wanted.password is not None:
        return "password"
    if stored is None:
        raise ValidationError("a password is needed to connect the mailbox", {"password": "required"})
    if hands_secret_elsewhere(stored, wanted) and stored.auth == "password":
        raise ValidationError(
            "the stored password is only sent to the server it was typed for: type it for the new server",
            {"password": "required for a new server"},
        )
    if hands_secret_elsewhere(stored, wanted):
        raise ValidationError(
            "the connected account's access serves only its own mailbox: type a password for this one, "
            "or connect the account again",
            {"password": "required for another mailbox"},
        )
    if mailbox_secrets.get(rep.id) is None:
        raise ValidationError("no password is stored for this mailbox: type it", {"password": "required"})
    return stored.auth


def try_connection(rep: Rep, form: MailboxInput) -> ConnectionReport:
    """ "Test connection": the form's settings tried as they are (IMAP, its Sent folder, SMTP),
    with the password typed, else the stored one (or the connected account), on the same terms
    as a save: a stored secret only goes to the servers it was given for. Nothing is stored."""
    wanted = clean_mailbox_input(form)
    stored = mailboxes.get_settings(rep.id)
    settings = MailboxSettings(
        rep_id=rep.id,
        address=wanted.address,
        username=wanted.username,
        auth=_auth_after(rep, stored, wanted),
        imap=wanted.imap,
        smtp=wanted.smtp,
    )
    login: MailLogin
    if wanted.password is not None:
        login = PasswordLogin(username=wanted.username, password=wanted.password)
    else:
        try:
            login = mailbox_oauth.login_for(settings)
        except MailError as error:  # no usable secret, a grant revoked: nothing to log in with
            failed = ConnectionStep(step="imap", ok=False, message=error.message, kind=error.kind)
            return ConnectionReport(ok=False, steps=[failed])
    return mailbox_connection.test_connection(settings, login)


def disconnect(rep: Rep) -> None:
    """Forget the rep's mailbox: settings, checkpoints, health, then its secret (what was synced
    stays on the records). Done again, it finishes what a failed one left."""
    mailboxes.delete_mailbox(rep.id)
    mailbox_secrets.delete(rep.id)


def retry_now(rep: Rep) -> MailboxView:
    """ "Retry now": the backoff is cleared, so the next scheduled poll (within a minute) tries
    the mailbox."""
    state = mailboxes.load(rep.id)
    if state.settings is None:
        raise NotFoundError("no mailbox is connected")
    mailboxes.clear_backoff(rep.id)
    health = msgspec.structs.replace(state.health, retry_at=None)
    return _view(state.settings, health, secret_stored=mailbox_secrets.get(rep.id) is not None)


def start_connecting(rep: Rep, form: OAuthStartInput) -> OAuthStartView:
    """ "Connect Google" / "Connect Microsoft": the provider's sign-in page to send the rep to."""
    return mailbox_oauth.start(rep, form.provider, form.redirect_uri)


def finish_connecting(rep: Rep, form: OAuthFinishInput) -> MailboxView:
    """The rep came back from the provider's sign-in: the account's grant kept, the mailbox saved
    as the provider's; the mailbox as the Settings page shows it."""
    mailbox_oauth.finish(rep, form.state, form.code)
    return mailbox_of(rep)
