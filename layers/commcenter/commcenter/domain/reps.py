"""Reps: the users of the dashboard, each with one Twilio number and one mailbox."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Role = Literal["admin", "rep"]
Capabilities = Literal["voice", "voice+sms"]


class Rep(msgspec.Struct, kw_only=True):
    id: str
    name: str
    email: str
    role: Role = "rep"
    team: str = "default"
    twilio_number: str | None = None
    capabilities: Capabilities = "voice+sms"
    forwarding_number: str | None = None
    client_identity: str | None = None
    time_zone: str = "UTC"
    settings: dict[str, Any] = {}
