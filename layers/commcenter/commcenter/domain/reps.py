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


class TeamRep(msgspec.Struct, kw_only=True):
    """A rep as the team's list shows them: the rep's forwarding number (a personal phone) only
    to admins and to the rep themself; absent for everyone else."""

    id: str
    name: str
    email: str
    role: Role = "rep"
    team: str = "default"
    twilio_number: str | None = None
    capabilities: Capabilities = "voice+sms"
    client_identity: str | None = None
    time_zone: str = "UTC"
    settings: dict[str, Any] = {}
    forwarding_number: str | msgspec.UnsetType | None = msgspec.UNSET


def as_shown_to(rep: Rep, viewer: Rep) -> TeamRep:
    """`rep` in the team's list as `viewer` may see them (least privilege: the forwarding number
    is for admins, who set up calls, and for the rep's own eyes)."""
    shown = {name: getattr(rep, name) for name in TeamRep.__struct_fields__ if name != "forwarding_number"}
    if viewer.role == "admin" or viewer.id == rep.id:
        return TeamRep(**shown, forwarding_number=rep.forwarding_number)
    return TeamRep(**shown)
