"""`commcenter token`, `seed` and `simulate` in another shell find the running `commcenter dev`
however it was started (its own COMMCENTER_DATA_DIR and PORT, unknown to them), or say exactly
what to set; and its Twilio, played locally, keeps the voicemails the simulator leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from commcenter_local.dynamodb_local import free_port
from commcenter_local.running_stack import RunningStack, find_running_stack, register, registry_dir
from commcenter_local.stack import ROOT
from commcenter_local.twilio_stand_in import VOICEMAIL_MP3

# What `commcenter dev` and the commands read from the environment: none of the test session's.
STACK_VARIABLES = (
    "COMMCENTER_DATA_DIR",
    "PORT",
    "DASHBOARD_PORT",
    "DEV_TOKEN_SECRET",
    "PUBLIC_BASE_URL",
    "REMINDER_SENDER",
)
ALICE, ALICE_NUMBER, BRUNO = "alice@northwind.example", "+14155550101", "bruno@northwind.example"


def clean_environment(runtime_dir: Path) -> dict[str, str]:
    """This process's environment without the stack's settings, with a registry of its own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in STACK_VARIABLES and not name.startswith("TWILIO_")
    }
    env["XDG_RUNTIME_DIR"] = str(runtime_dir)
    return env


def cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commcenter_local.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class RunningDev:
    base_url: str
    data_dir: Path
    env: dict[str, str]  # a shell that knows nothing of the stack but the registry's place
    cwd: Path
    log: list[str]  # what it printed so far


@pytest.fixture(scope="module")
def running_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDev]:
    """`commcenter dev` with a data folder and ports of its own, as a user starts it in one shell."""
    base = tmp_path_factory.mktemp("dev")
    runtime_dir, data_dir, elsewhere = base / "run", base / "elsewhere-data", base / "shell"
    runtime_dir.mkdir(mode=0o700)
    elsewhere.mkdir()
    port = free_port()
    env = clean_environment(runtime_dir)
    started_env = {**env, "COMMCENTER_DATA_DIR": str(data_dir), "PORT": str(port), "DASHBOARD_PORT": str(free_port())}
    process = subprocess.Popen(
        [sys.executable, "-m", "commcenter_local.cli", "dev"],
        cwd=ROOT,
        env=started_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            lines.append(process.stdout.readline())
            if "Ctrl-C stops everything" in lines[-1]:
                break
        assert "Ctrl-C stops everything" in "".join(lines), "".join(lines)
        # Its log is read on, so that it never blocks on a full pipe.
        drain = threading.Thread(target=lines.extend, args=(process.stdout,), daemon=True)
        drain.start()
        yield RunningDev(f"http://127.0.0.1:{port}", data_dir, env, elsewhere, lines)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        drain.join(timeout=10)
        assert list((runtime_dir / "commcenter").iterdir()) == []  # unregistered on the way out
    finally:
        if process.poll() is None:
            process.kill()


def me(dev: RunningDev, token: str) -> requests.Response:
    return requests.get(f"{dev.base_url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_a_token_from_another_shell_is_one_the_running_stack_accepts(running_dev: RunningDev) -> None:
    repo_secret = ROOT / ".local" / "dev-token-secret"
    had_repo_secret = repo_secret.exists()
    issued = cli(running_dev.env, running_dev.cwd, "token", BRUNO)
    assert issued.returncode == 0, issued.stderr
    answer = me(running_dev, issued.stdout.strip())
    assert answer.status_code == 200 and answer.json()["name"] == "Bruno Costa"
    assert repo_secret.exists() == had_repo_secret  # no other secret made on the way


def test_simulate_and_seed_from_another_shell_reach_the_running_stack(running_dev: RunningDev) -> None:
    sent = cli(running_dev.env, running_dev.cwd, "simulate", "sms", "--from", "+12085550123", "--to", ALICE_NUMBER)
    assert sent.returncode == 0 and sent.stdout.startswith("200"), sent.stdout + sent.stderr
    seeded = cli(running_dev.env, running_dev.cwd, "seed")
    assert seeded.returncode == 0 and "3 reps, 10 records" in seeded.stdout, seeded.stderr


def test_without_a_running_stack_each_command_says_what_to_set(tmp_path: Path) -> None:
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    env = clean_environment(runtime_dir)
    for args in (("token", BRUNO), ("simulate", "sms", "--from", "+12085550123", "--to", ALICE_NUMBER), ("seed",)):
        refused = cli(env, tmp_path, *args)
        assert refused.returncode != 0, args
        assert "no local stack of this checkout is running" in refused.stderr, refused.stderr
        assert "COMMCENTER_DATA_DIR" in refused.stderr and "PORT" in refused.stderr, refused.stderr
    assert not (tmp_path / ".local").exists()


def test_several_stacks_are_told_apart_and_a_stopped_one_is_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    finished = subprocess.Popen(["true"])
    finished.wait()
    here, running = str(ROOT), os.getpid()
    register(RunningStack(here, running, 4001, "/data/a"))
    register(RunningStack(here, running, 4002, "/data/b"))
    register(RunningStack(here, finished.pid, 4003, "/data/c"))  # killed: its entry stayed
    register(RunningStack("/another/checkout", running, 4004, "/data/d"))
    with pytest.raises(SystemExit, match=r"several .* port 4001 \(data in /data/a\), port 4002 .*set PORT"):
        find_running_stack(ROOT, data_dir=None, port=None)
    assert find_running_stack(ROOT, data_dir=None, port=4002) == Path("/data/b")
    assert find_running_stack(ROOT, data_dir=Path("/data/a"), port=None) == Path("/data/a")
    with pytest.raises(SystemExit, match="no local stack is running with PORT=4003; running: port 4001"):
        find_running_stack(ROOT, data_dir=None, port=4003)
    assert sorted(path.name for path in (tmp_path / "commcenter").iterdir()) == [
        "stack-4001.json",
        "stack-4002.json",
        "stack-4004.json",
    ]


def test_a_registry_others_could_write_to_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "commcenter").mkdir(mode=0o700)
    (tmp_path / "commcenter").chmod(0o777)
    with pytest.raises(SystemExit, match="not a folder private to you"):
        registry_dir()


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "voicemail"])
def test_each_unanswered_outcome_leaves_a_voicemail_that_plays_from_the_local_bucket(
    running_dev: RunningDev, outcome: str
) -> None:
    caller = {"no-answer": "+12085550131", "busy": "+12085550132", "voicemail": "+12085550133"}[outcome]
    simulated = cli(
        running_dev.env,
        running_dev.cwd,
        "simulate",
        "call",
        "--from",
        caller,
        "--to",
        ALICE_NUMBER,
        "--outcome",
        outcome,
    )
    assert simulated.returncode == 0, simulated.stdout + simulated.stderr
    call_sid = simulated.stdout.split()[1]
    assert "/twilio/voice/recording?kind=voicemail" in simulated.stdout
    token = cli(running_dev.env, running_dev.cwd, "token", ALICE).stdout.strip()
    link = requests.get(
        f"{running_dev.base_url}/api/calls/{call_sid}/recording",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert link.status_code == 200, link.text  # copied into the bucket, not left "at Twilio"
    audio = requests.get(link.json()["url"], timeout=30)
    assert audio.status_code == 200 and audio.content.startswith(VOICEMAIL_MP3.read_bytes())


def test_reminder_emails_go_to_the_local_smtp_server_which_logs_each(running_dev: RunningDev) -> None:
    """A due reminder fired by a sweep under the running stack's own settings (as its schedule
    runs it) reaches the stack's local SMTP server, and the stack names it in its log."""
    import json
    from datetime import UTC, datetime, timedelta

    from stack_environment import environment

    from commcenter.data import reminders as reminders_data
    from commcenter.data import reps as reps_data
    from commcenter.data.base import forget_connections
    from commcenter.domain.clock import to_iso
    from commcenter.domain.ids import new_id
    from commcenter.domain.reminders import Reminder, filed_bucket, idempotency_key
    from commcenter.services.reminders import sweep_due_reminders
    from commcenter_local.stack import LOCAL_REMINDER_SENDER

    settings = json.loads((running_dev.data_dir / "stack.json").read_text())["environment"]
    assert settings["REMINDER_SENDER"] == LOCAL_REMINDER_SENDER and settings["NOTIFY_SMTP_HOST"] == "127.0.0.1"
    now = datetime.now(UTC)
    forget_connections()
    try:
        with environment(settings):
            rep = reps_data.find_by_claim("email", ALICE)
            assert rep is not None
            reminder = Reminder(
                id=new_id(),
                kind="follow_up",
                rep_id=rep.id,
                due_at=to_iso(now),
                note="Call Helene",
                created_at=to_iso(now),
            )
            reminders_data.create(reminder, filed_bucket(now, now), idempotency_key(reminder.id))
            assert sweep_due_reminders(now=now + timedelta(seconds=1)).fired >= 1
    finally:
        forget_connections()
    expected = f"reminder email to {ALICE}: Reminder: Follow up - Call Helene (reminder {reminder.id})"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(expected in line for line in list(running_dev.log)):
        time.sleep(0.1)
    assert any(expected in line for line in list(running_dev.log)), "".join(running_dev.log)
