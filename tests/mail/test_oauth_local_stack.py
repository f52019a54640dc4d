"""`make dev` runs email whole without a mail account anywhere: the demo rep's mailbox is on a
Dovecot the stack starts, synced as it starts; and "Connect Google" runs through the API (start,
the provider's page, finish) against the OAuth stand-in the stack points the functions at, on a
stack started as `commcenter dev` starts it."""

from __future__ import annotations

import signal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from dev_process import running_dev

from commcenter_local.oauth_stand_in import sign_in


def test_connect_google_on_the_dev_stack(tmp_path: Path) -> None:
    with running_dev(tmp_path) as dev:
        port, dashboard_port, output, process = dev.port, dev.dashboard_port, dev.output, dev.process
        link = next(part for part in output.split() if "#token=" in part)
        api = f"http://127.0.0.1:{port}/api/me/mailbox"
        headers = {"Authorization": f"Bearer {link.split('#token=', 1)[1]}"}
        # The demo rep's mailbox is on the stack's own Dovecot, its mail synced as the stack started.
        assert "alice@northwind.example's mailbox on a local Dovecot" in output
        assert "4 new emails synced" in output
        offered = requests.get(api, headers=headers, timeout=10).json()
        assert offered["connected"] is True and offered["mailbox"]["auth"] == "password"
        assert offered["health"]["messages_synced"] == 4 and offered["health"]["error"] is None
        feed = requests.get(
            f"http://127.0.0.1:{port}/api/records/lead-helene/activities",
            params={"type": "email"},
            headers=headers,
            timeout=10,
        ).json()["items"]
        subjects = [item["summary"] for item in feed]
        assert "Pilot: 20 seats for January?" in subjects and "Re: Pilot: 20 seats for January?" in subjects

        back = f"http://127.0.0.1:{dashboard_port}/settings/mailbox/connected"
        started = requests.post(
            f"{api}/oauth/start", json={"provider": "google", "redirect_uri": back}, headers=headers, timeout=10
        )
        assert started.status_code == 200, started.text
        authorize_url = started.json()["authorize_url"]
        assert authorize_url.startswith("http://127.0.0.1:")  # the stand-in, not accounts.google.com
        location = sign_in(authorize_url, "alice.martin@gmail.example")
        assert location.startswith(back + "?")
        answer = {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}
        finished = requests.post(
            f"{api}/oauth/finish",
            json={"state": answer["state"], "code": answer["code"]},
            headers=headers,
            timeout=10,
        )
        assert finished.status_code == 200, finished.text

        mailbox = requests.get(api, headers=headers, timeout=10).json()
        assert mailbox["connected"] is True
        assert mailbox["secret_stored"] is True
        assert mailbox["mailbox"]["auth"] == "google"
        assert mailbox["mailbox"]["address"] == "alice.martin@gmail.example"
        assert mailbox["mailbox"]["imap"] == {"host": "imap.gmail.com", "port": 993, "tls": "tls"}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
