"""Local mail servers for the tests and the local stack: a real Dovecot (IMAP) and an aiosmtpd SMTP server.

Both listen on 127.0.0.1 only, on free ports, with a certificate signed by a CA made here
(`LocalMailCA`): the clients verify it as they verify any server's, trusting that CA besides the
system's (`MAIL_CA_FILE`). Nothing of the system's Dovecot is used: the configuration, the
mailboxes, the sockets and the log are in a folder of their own, removed on `stop()`.

Dovecot's login processes refuse to run as root. Started by root, Dovecot runs them as the Debian
package's unprivileged users (`dovenull` for the logins, `dovecot` for its own services) and the
mailboxes as a dedicated user (`commcenter-mail`, created when missing); started by another user,
everything runs as that user.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import grp
import ipaddress
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests

from commcenter.domain.mailboxes import ServerEndpoint

MAIL_USER = "commcenter-mail"  # owns the mailboxes when Dovecot is started by root
HOST = "127.0.0.1"
# The folders a new user gets. `Sent` is marked \Sent (SPECIAL-USE) by the configuration, as are
# `Drafts` and `Trash`; `Gesendet` is marked \Sent too, so a test can tell a folder found by its
# SPECIAL-USE flag from one found by its usual name.
DEFAULT_FOLDERS = ("Sent", "Drafts", "Trash")
SPECIAL_USE = {"Sent": "\\Sent", "Gesendet": "\\Sent", "Drafts": "\\Drafts", "Trash": "\\Trash"}
START_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _private_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


class LocalMailCA:
    """A certificate authority of its own and a server certificate it signed for 127.0.0.1 and
    localhost. `ca_file` is what a client trusts; `other()` makes a second, unrelated CA (a server
    whose certificate nobody here trusts)."""

    def __init__(self, directory: Path | None = None, *, name: str = "commcenter local mail CA") -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        self._owns_directory = directory is None
        self.directory = directory or _private_dir("commcenter-mail-ca-")
        self.directory.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=365)

        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )

        server_key = ec.generate_private_key(ec.SECP256R1())
        server_cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )

        pem = serialization.Encoding.PEM
        self.ca_file = self.directory / "ca.pem"
        self.cert_file = self.directory / "server.pem"
        self.key_file = self.directory / "server.key"
        self.ca_file.write_bytes(ca_cert.public_bytes(pem))
        self.cert_file.write_bytes(server_cert.public_bytes(pem))
        self.key_file.touch(mode=0o600)
        self.key_file.write_bytes(
            server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA only (the local tooling's own connections)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def remove(self) -> None:
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


@dataclass(frozen=True)
class _RunAs:
    """Who runs what: Dovecot's own services, its logins, and the mailboxes."""

    root: bool
    internal_user: str
    internal_group: str
    login_user: str
    mail_uid: int
    mail_gid: int


def _ensure_mail_user() -> pwd.struct_passwd:
    """The dedicated owner of the local mailboxes (root only), created once; two first runs at
    the same time both end with it."""
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(MAIL_USER)
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    options = [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
    ]
    subprocess.run(  # noqa: S603 (a fixed command line)
        [useradd, *options, MAIL_USER],
        capture_output=True,
        check=False,
    )
    try:
        return pwd.getpwnam(MAIL_USER)
    except KeyError:
        raise RuntimeError(f"could not create the user {MAIL_USER} that owns the local mailboxes") from None


def _run_as() -> _RunAs:
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(me.pw_gid).gr_name
        return _RunAs(False, me.pw_name, group, me.pw_name, me.pw_uid, me.pw_gid)
    for user in ("dovecot", "dovenull"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            raise RuntimeError(f"the user {user} is missing: install dovecot-imapd (make system-deps)") from None
    mail = _ensure_mail_user()
    return _RunAs(True, "dovecot", "dovecot", "dovenull", mail.pw_uid, mail.pw_gid)


def _dovecot_binary() -> str:
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if found is None:
        raise FileNotFoundError("dovecot is missing (Debian's dovecot-imapd): run `make system-deps`")
    return found


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class LocalDovecot:
    """A Dovecot serving IMAP on 127.0.0.1: IMAPS (`tls`) and IMAP with STARTTLS (`starttls`) on
    free ports, TLS required before any login, users in a passwd-file, Maildir mailboxes, INBOX
    and special-use folders, CONDSTORE. `stop()` then `start()` serves the same ports and
    mailboxes again (the "server down, then back" case)."""

    def __init__(
        self, ca: LocalMailCA, directory: Path | None = None, *, oauth_introspection_url: str | None = None
    ) -> None:
        self.ca = ca
        # Set: XOAUTH2 and OAUTHBEARER logins too, their access token checked at this OAuth 2.0
        # introspection endpoint (RFC 7662; the local OAuth stand-in's), its `email` the user.
        self.oauth_introspection_url = oauth_introspection_url
        self._owns_directory = directory is None
        self.directory = directory or _private_dir("commcenter-dovecot-")
        self.users: dict[str, str] = {}
        self.imaps_port = 0
        self.imap_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._run_as = _run_as()
        self._lock = threading.Lock()
        self._restart: threading.Timer | None = None

    # --- the server -------------------------------------------------------------------------

    @property
    def config_file(self) -> Path:
        return self.directory / "dovecot.conf"

    @property
    def log_file(self) -> Path:
        return self.directory / "dovecot.log"

    @property
    def passwd_dir(self) -> Path:
        """A passwd-file per user: Dovecot reads a changed file at most once a second, a new one at once."""
        return self.directory / "users"

    @property
    def mail_dir(self) -> Path:
        return self.directory / "mail"

    def endpoint(self, tls: Literal["tls", "starttls"] = "tls") -> ServerEndpoint:
        return ServerEndpoint(host=HOST, port=self.imaps_port if tls == "tls" else self.imap_port, tls=tls)

    def start(self) -> LocalDovecot:
        with self._lock:
            if self._process is not None:
                return self
            first = not self.imaps_port
            if first:
                self._prepare()
            for attempt in range(3):
                if first:
                    self.imaps_port, self.imap_port = free_port(), free_port()
                    self.config_file.write_text(self._config())
                try:
                    self._launch()
                    return self
                except OSError:
                    if not first or attempt == 2:
                        raise
        return self

    def stop(self) -> None:
        with self._lock:
            if self._restart is not None:
                self._restart.cancel()
                self._restart = None
            self._halt()

    def stop_for(self, seconds: float) -> None:
        """Stops the server now and starts it again, on the same ports, `seconds` later (in the background)."""
        self.stop()
        self._restart = threading.Timer(seconds, self.start)
        self._restart.daemon = True
        self._restart.start()

    def remove(self) -> None:
        """Stops the server and deletes its folder (configuration, mailboxes, log)."""
        self.stop()
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> LocalDovecot:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.remove()

    def doveadm(self, *args: str) -> str:
        """Runs `doveadm` against this server (as root or as the current user), returning its output."""
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        result = subprocess.run(  # noqa: S603 (arguments from the tests and tooling)
            [doveadm, "-c", str(self.config_file), *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def _prepare(self) -> None:
        run_as = self._run_as
        self.directory.chmod(0o755)  # Dovecot's unprivileged processes reach their files under it
        self.mail_dir.mkdir(mode=0o700, exist_ok=True)
        (self.directory / "state").mkdir(mode=0o750, exist_ok=True)
        self.passwd_dir.mkdir(mode=0o750, exist_ok=True)
        if run_as.root:
            os.chown(self.mail_dir, run_as.mail_uid, run_as.mail_gid)
            os.chown(self.passwd_dir, 0, pwd.getpwnam(run_as.internal_user).pw_gid)
        if self.oauth_introspection_url:
            oauth2 = self.directory / "oauth2.conf.ext"
            oauth2.write_text(
                "introspection_mode = post\n"
                f"introspection_url = {self.oauth_introspection_url}\n"
                "force_introspection = yes\n"
                "username_attribute = email\n"
                "active_attribute = active\n"
                "active_value = true\n"
            )
            oauth2.chmod(0o644)  # read by Dovecot's auth process, an unprivileged user when started by root

    def _config(self) -> str:
        run_as = self._run_as
        d = self.directory
        mail_group = grp.getgrgid(run_as.mail_gid).gr_name
        folders = "\n".join(
            f"  mailbox {_quote(name)} {{\n    special_use = {flag}\n  }}" for name, flag in SPECIAL_USE.items()
        )
        # Without root there is no chroot, and every service runs as the current user.
        no_chroot = "" if run_as.root else "\n  chroot ="  # chroot needs root
        mechanisms, oauth2_passdb = "plain login", ""
        if self.oauth_introspection_url:
            mechanisms += " xoauth2 oauthbearer"
            oauth2_passdb = (
                "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {d / 'oauth2.conf.ext'}\n}}\n"
            )
        return f"""# Generated by commcenter_local.mail_server: a Dovecot of the local stack or the tests.
instance_name = commcenter-{d.name}
base_dir = {d / "run"}
state_dir = {d / "state"}
log_path = {self.log_file}
protocols = imap
listen = {HOST}
default_internal_user = {run_as.internal_user}
default_internal_group = {run_as.internal_group}
default_login_user = {run_as.login_user}
first_valid_uid = {run_as.mail_uid}
first_valid_gid = {run_as.mail_gid}

ssl = required
ssl_cert = <{self.ca.cert_file}
ssl_key = <{self.ca.key_file}
ssl_min_protocol = TLSv1.2
auth_mechanisms = {mechanisms}
# A wrong password is answered at once, and never slows down the next logins (the tests try
# wrong passwords on purpose; nothing here is exposed beyond the loopback).
auth_failure_delay = 0
service anvil {{{no_chroot}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

{oauth2_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu {self.passwd_dir}/%Lu
}}
userdb {{
  driver = static
  args = uid={run_as.mail_uid} gid={mail_group} home={self.mail_dir}/%Lu
}}
mail_location = maildir:~/Maildir

namespace inbox {{
  inbox = yes
  separator = /
{folders}
}}

service imap-login {{{no_chroot}
  inet_listener imap {{
    address = {HOST}
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.imaps_port}
    ssl = yes
  }}
}}
"""

    def _launch(self) -> None:
        process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [_dovecot_binary(), "-F", "-c", str(self.config_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its processes are one group: `stop()` ends every one of them
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise OSError(f"dovecot exited ({process.returncode}): {stderr.strip()}\n{self.log()[-2000:]}")
            if self._greets():
                self._process = process
                return
            time.sleep(0.02)
        process.kill()
        process.wait()
        raise TimeoutError(f"dovecot did not answer within {START_TIMEOUT:g} s\n{self.log()[-2000:]}")

    def _greets(self) -> bool:
        try:
            with socket.create_connection((HOST, self.imap_port), timeout=1) as sock:
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _halt(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # Every process of the server at once (the master alone takes a second to end its
        # children, and a client's imap process may outlive it): a server that is down answers nobody.
        group = process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            process.wait()
        if process.stderr:
            process.stderr.close()
        deadline = time.monotonic() + 5
        with contextlib.suppress(ProcessLookupError):
            while time.monotonic() < deadline:
                os.killpg(group, 0)
                time.sleep(0.01)
            os.killpg(group, signal.SIGKILL)

    # --- users and messages -----------------------------------------------------------------

    def add_user(self, name: str, password: str, *, folders: Iterable[str] = DEFAULT_FOLDERS) -> str:
        """A mailbox user (user names are lower-cased, as Dovecot looks them up), with these
        folders besides INBOX. Returns the user name."""
        name = name.lower()
        if not re.fullmatch(r"[a-z0-9._@+-]+", name) or ":" in password or "\n" in password:
            raise ValueError(f"unusable user name or password for the local mail server: {name!r}")
        with self._lock:
            self.users[name] = password
            scratch = self.passwd_dir / f".{name}.new"
            scratch.write_text(f"{name}:{password}\n")
            scratch.chmod(0o640)
            if self._run_as.root:
                os.chown(scratch, 0, pwd.getpwnam(self._run_as.internal_user).pw_gid)
            scratch.replace(self.passwd_dir / name)
        with self.session(name) as client:
            for folder in folders:
                client.create_folder(folder)
        return name

    @contextlib.contextmanager
    def session(self, user: str) -> Iterator[Any]:
        """An IMAPClient logged in as `user` over IMAPS (the local tooling's own connection)."""
        from imapclient import IMAPClient

        client = IMAPClient(HOST, self.imaps_port, ssl=True, ssl_context=self.ca.client_context(), timeout=20)
        try:
            client.login(user.lower(), self.users[user.lower()])
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: Iterable[str | bytes] = (),
        date: dt.datetime | None = None,
    ) -> int:
        """Puts a message in a folder by IMAP APPEND, as a mail client would; returns its UID."""
        with self.session(user) as client:
            return self._append(client, folder, raw, flags, date)

    def append_many(self, user: str, folder: str, messages: Iterable[bytes]) -> list[int]:
        """Several messages over one connection; returns their UIDs."""
        with self.session(user) as client:
            return [self._append(client, folder, raw, (), None) for raw in messages]

    @staticmethod
    def _append(client: Any, folder: str, raw: bytes, flags: Iterable[str | bytes], date: dt.datetime | None) -> int:
        answer = client.append(folder, raw, flags=tuple(flags), msg_time=date)
        found = re.search(rb"APPENDUID \d+ (\d+)", answer if isinstance(answer, bytes) else str(answer).encode())
        if found is None:
            raise RuntimeError(f"the server did not say which UID it gave the message: {answer!r}")
        return int(found.group(1))

    def recreate_folder(self, user: str, folder: str) -> int:
        """The folder deleted and made again with the same messages (flags and dates kept), as a
        server that rebuilt its index does: a new UIDVALIDITY and new UIDs. Returns the new
        UIDVALIDITY. INBOX cannot be deleted over IMAP: it is emptied, given a new UIDVALIDITY
        by `doveadm`, and filled again."""
        with self.session(user) as client:
            old = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
            client.select_folder(folder)
            uids = client.search("ALL")
            kept = client.fetch(uids, [b"BODY.PEEK[]", b"FLAGS", b"INTERNALDATE"]) if uids else {}
            messages = [
                (data[b"BODY[]"], [f for f in data[b"FLAGS"] if f != b"\\Recent"], data[b"INTERNALDATE"])
                for _, data in sorted(kept.items())
            ]
            client.close_folder()
            if folder.upper() == "INBOX":
                if messages:
                    client.select_folder(folder)
                    client.delete_messages(client.search("ALL"))
                    client.expunge()
                    client.close_folder()
                self.doveadm("mailbox", "update", "-u", user.lower(), "--uid-validity", str(old + 1), folder)
            else:
                client.delete_folder(folder)
                client.create_folder(folder)
            for raw, flags, date in messages:
                self._append(client, folder, raw, flags, date)
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])


# --- SMTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    """A message the local SMTP server accepted."""

    login: str  # the user who authenticated
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    port: int


@dataclass
class _Keeper:
    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # What a test makes the server do, by recipient address (tests sharing the server never meet):
    # RCPT TO refused with 550; the message's end refused with 554 (nothing kept); the message
    # kept, then the connection dropped before the answer (the client cannot know it was sent).
    refuse_recipients: set[str] = field(default_factory=set)
    refuse_message_to: set[str] = field(default_factory=set)
    drop_after_message_to: set[str] = field(default_factory=set)
    # Told of each message kept (the local stack logs the reminder emails it receives).
    on_received: Callable[[ReceivedMail], None] | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address.lower() in self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipients = {address.lower() for address in envelope.rcpt_tos}
        if recipients & self.refuse_message_to:
            return "554 5.7.1 Message refused by policy"
        login = session.auth_data.login.decode() if session.auth_data is not None else ""
        content = envelope.original_content or envelope.content or b""
        mail = ReceivedMail(
            login,
            envelope.mail_from,
            tuple(envelope.rcpt_tos),
            bytes(content),
            server.transport.get_extra_info("sockname")[1],
        )
        with self.lock:
            self.received.append(mail)
        if self.on_received is not None:
            self.on_received(mail)
        if recipients & self.drop_after_message_to:
            server.transport.abort()
        return "250 Message accepted for delivery"


@dataclass
class _OAuthKeeper(_Keeper):
    """Takes XOAUTH2 logins too (Google's and Microsoft's SASL mechanism for SMTP): the bearer
    token is checked at an OAuth 2.0 introspection endpoint (RFC 7662), whose `email` must be the
    login's user."""

    introspection_url: str = ""

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> Any:  # aiosmtpd finds it by this name
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if len(args) > 1:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except ValueError:
                return AuthResult(success=False, handled=False)
        else:
            answer = await server.challenge_auth("")
            if not isinstance(answer, bytes):
                return AuthResult(success=False, handled=True)  # aborted: aiosmtpd answered
            blob = answer
        fields = dict(part.split("=", 1) for part in blob.decode(errors="replace").split("\x01") if "=" in part)
        user = fields.get("user", "").lower()
        token = fields.get("auth", "").removeprefix("Bearer ").strip()
        found = await asyncio.to_thread(self._introspect, token)
        if found.get("active") is True and str(found.get("email", "")).lower() == user:
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        # As Google answers: the error's details as a challenge, the client's empty answer, 535.
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False)

    def _introspect(self, token: str) -> dict[str, Any]:
        try:
            answer = requests.post(self.introspection_url, data={"token": token}, timeout=10)
            found: dict[str, Any] = answer.json()
        except (requests.RequestException, ValueError):
            return {}
        return found


class LocalSmtp:
    """An SMTP submission server (aiosmtpd) on 127.0.0.1: STARTTLS on one port (`starttls`),
    TLS from the first byte on another (`tls`), AUTH PLAIN and LOGIN against `users` (the same
    mapping as the local Dovecot's) and only over TLS; it keeps what it receives in `received`."""

    def __init__(self, ca: LocalMailCA, users: dict[str, str], *, oauth_introspection_url: str | None = None) -> None:
        self.ca = ca
        self.users = users
        self.starttls_port = 0
        self.tls_port = 0
        # Set: XOAUTH2 logins too, their token checked at this introspection endpoint.
        self._keeper = _OAuthKeeper(introspection_url=oauth_introspection_url) if oauth_introspection_url else _Keeper()
        self._controllers: list[Any] = []

    @property
    def received(self) -> list[ReceivedMail]:
        with self._keeper.lock:
            return list(self._keeper.received)

    # What a test makes the server do, by recipient address (lower case): refuse it at RCPT TO;
    # refuse a message to it at the message's end; keep a message to it, then drop the connection
    # before answering. Add to these sets (the server is shared: use addresses of the test's own).
    @property
    def refuse_recipients(self) -> set[str]:
        return self._keeper.refuse_recipients

    @property
    def refuse_message_to(self) -> set[str]:
        return self._keeper.refuse_message_to

    @property
    def drop_after_message_to(self) -> set[str]:
        return self._keeper.drop_after_message_to

    def notify(self, listener: Callable[[ReceivedMail], None] | None) -> None:
        """Call `listener` with each message the server keeps (None: no more)."""
        self._keeper.on_received = listener

    def endpoint(self, tls: Literal["tls", "starttls"] = "starttls") -> ServerEndpoint:
        return ServerEndpoint(host=HOST, port=self.tls_port if tls == "tls" else self.starttls_port, tls=tls)

    def start(self) -> LocalSmtp:
        from aiosmtpd.controller import Controller

        if self._controllers:
            return self
        self.starttls_port = self.starttls_port or free_port()
        self.tls_port = self.tls_port or free_port()
        common: dict[str, Any] = {
            "hostname": HOST,
            "server_hostname": "localhost",
            "authenticator": self._authenticate,
        }
        submission = Controller(
            self._keeper,
            port=self.starttls_port,
            tls_context=self.ca.server_context(),
            require_starttls=True,
            auth_require_tls=True,
            **common,
        )
        # TLS from the first byte: aiosmtpd requires STARTTLS for AUTH when told to, which does
        # not apply to a connection that is TLS already.
        implicit = Controller(
            self._keeper, port=self.tls_port, ssl_context=self.ca.server_context(), auth_require_tls=False, **common
        )
        for controller in (submission, implicit):
            controller.start()
            self._controllers.append(controller)
        return self

    def stop(self) -> None:
        controllers, self._controllers = self._controllers, []
        for controller in controllers:
            with contextlib.suppress(Exception):
                controller.stop()

    def __enter__(self) -> LocalSmtp:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode(errors="replace").lower()
        expected = self.users.get(user)
        ok = expected is not None and auth_data.password == expected.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


# --- both, for the local stack --------------------------------------------------------------


@dataclass(frozen=True)
class MailServerEndpoints:
    """Where the local mail servers answer, and the CA file a client trusts them with (`MAIL_CA_FILE`)."""

    imap_tls: ServerEndpoint
    imap_starttls: ServerEndpoint
    smtp_tls: ServerEndpoint
    smtp_starttls: ServerEndpoint
    ca_file: Path


class LocalMailServers:
    """A Dovecot and an SMTP server sharing one CA and one set of users (for `make dev`)."""

    def __init__(self) -> None:
        self.ca: LocalMailCA | None = None
        self.dovecot: LocalDovecot | None = None
        self.smtp: LocalSmtp | None = None

    def start(self) -> MailServerEndpoints:
        self.ca = LocalMailCA()
        try:
            self.dovecot = LocalDovecot(self.ca).start()
            self.smtp = LocalSmtp(self.ca, self.dovecot.users).start()
        except BaseException:
            self.stop()
            raise
        return MailServerEndpoints(
            imap_tls=self.dovecot.endpoint("tls"),
            imap_starttls=self.dovecot.endpoint("starttls"),
            smtp_tls=self.smtp.endpoint("tls"),
            smtp_starttls=self.smtp.endpoint("starttls"),
            ca_file=self.ca.ca_file,
        )

    def add_user(self, name: str, password: str, *, folders: Iterable[str] = DEFAULT_FOLDERS) -> str:
        if self.dovecot is None:
            raise RuntimeError("the local mail servers are not started")
        return self.dovecot.add_user(name, password, folders=folders)

    def stop(self) -> None:
        if self.smtp is not None:
            self.smtp.stop()
        if self.dovecot is not None:
            self.dovecot.remove()
        if self.ca is not None:
            self.ca.remove()
        self.ca = self.dovecot = self.smtp = None


__all__ = [
    "DEFAULT_FOLDERS",
    "LocalDovecot",
    "LocalMailCA",
    "LocalMailServers",
    "LocalSmtp",
    "MailServerEndpoints",
    "ReceivedMail",
]
