"""The Reps table: reps and the unique claims (number, email, client identity, sign-in) that find them (W1)."""

from __future__ import annotations

from typing import Any

import msgspec
from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from commcenter.data.base import (
    Entry,
    ItemRead,
    raw_item,
    retried_while_held,
    table_meta,
    transaction_connection,
    write_together,
)
from commcenter.domain.call_scripts import CallScript
from commcenter.domain.calls import Presence
from commcenter.domain.reps import Rep
from commcenter.domain.text import fold
from commcenter.errors import ConflictError

# `sub`: the user pool's immutable id of the person who signs in as the rep, claimed at the
# rep's first sign-in (`bind_sign_in`), never by `create`.
CLAIM_KINDS = ("number", "email", "client", "sub")
# One stack serves one team: every rep item carries this directory key, so the `by_team` index
# lists the whole team by name (at most about a thousand items, written only when reps change).
DIRECTORY = "team"


class ByTeam(GlobalSecondaryIndex["RepItem"]):
    class Meta:
        index_name = "by_team"
        projection = AllProjection()

    team = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class RepItem(Model):
    """A rep: `pk` is `rep#{id}`; `sub` the user pool's user bound to it (absent until the first
    sign-in), kept out of the profile: the API never shows it."""

    Meta = table_meta("reps")

    pk = UnicodeAttribute(hash_key=True)
    team = UnicodeAttribute()
    name_key = UnicodeAttribute()
    profile = MapAttribute[str, Any]()
    sub = UnicodeAttribute(null=True)

    by_team = ByTeam()


class RepClaimItem(Model):
    """A unique claim: `pk` is `number#+1...`, `email#...`, `client#...` or `sub#...`; it names the rep."""

    Meta = table_meta("reps")

    pk = UnicodeAttribute(hash_key=True)
    rep_id = UnicodeAttribute()


def _claims(rep: Rep) -> list[str]:
    values = {"number": rep.twilio_number, "email": rep.email, "client": rep.client_identity}
    return [f"{kind}#{value}" for kind, value in values.items() if value]


def _from_item(item: RepItem) -> Rep:
    profile = item.profile.as_dict() if isinstance(item.profile, MapAttribute) else dict(item.profile)
    return msgspec.convert(profile, Rep)


def create(rep: Rep) -> None:
    """Store a rep and its claims together; a number, email or identity already claimed is a conflict."""
    item = RepItem(
        f"rep#{rep.id}",
        team=DIRECTORY,
        name_key=f"{fold(rep.name)}#{rep.id}",
        profile=msgspec.to_builtins(rep),
    )
    claims = _claims(rep)
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(item, condition=RepItem.pk.does_not_exist())
            for claim in claims:
                tx.save(RepClaimItem(claim, rep_id=rep.id), condition=RepClaimItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if exc.cause_response_code != "TransactionCanceledException":
            raise
        raise ConflictError(f"a rep with the id, number, email or client identity of {rep.email} exists") from exc


def save_profile(rep: Rep) -> None:
    """Replace a rep's profile (never its claims: number, email and identity keep their owners)."""
    RepItem(f"rep#{rep.id}").update(
        actions=[RepItem.profile.set(msgspec.to_builtins(rep))], condition=RepItem.pk.exists()
    )


def bind_sign_in(rep_id: str, sub: str) -> bool:
    """Bind the rep to the user pool's user `sub` for good: the rep's `sub` and the `sub#` claim,
    together. False (nothing written) when the rep is gone or bound to another user already, or
    the user is bound to a rep already."""
    rep = RepItem(f"rep#{rep_id}")
    return write_together(
        lambda tx: tx.update(
            rep, actions=[RepItem.sub.set(sub)], condition=RepItem.pk.exists() & RepItem.sub.does_not_exist()
        ),
        lambda tx: tx.save(RepClaimItem(f"sub#{sub}", rep_id=rep_id), condition=RepClaimItem.pk.does_not_exist()),
    )


def get(rep_id: str) -> Rep | None:
    try:
        return _from_item(RepItem.get(f"rep#{rep_id}"))
    except RepItem.DoesNotExist:
        return None


def find_by_claim(kind: str, value: str) -> Rep | None:
    """The rep who owns a number, email, client identity or sign-in `sub` (two GetItems)."""
    if kind not in CLAIM_KINDS:
        raise ValueError(f"unknown claim kind {kind!r}")
    try:
        claim = RepClaimItem.get(f"{kind}#{value}")
    except RepClaimItem.DoesNotExist:
        return None
    return get(claim.rep_id)


def list_all() -> list[Rep]:
    """Every rep of the team, by name."""
    return [_from_item(item) for item in RepItem.by_team.query(DIRECTORY)]


class PresenceItem(Model):
    """Whether a rep's softphone is online and on a call: `pk` is `presence#{rep_id}`."""

    Meta = table_meta("reps")

    pk = UnicodeAttribute(hash_key=True)
    online = BooleanAttribute(default=False)
    on_call = BooleanAttribute(default=False)
    updated_at = UnicodeAttribute()


def save_presence(rep_id: str, presence: Presence) -> None:
    """Store the softphone's presence; an incoming call's transaction may be checking it."""
    item = PresenceItem(
        f"presence#{rep_id}", online=presence.online, on_call=presence.on_call, updated_at=presence.updated_at
    )
    retried_while_held(item.save)


def get_presence(rep_id: str) -> Presence | None:
    try:
        item = PresenceItem.get(f"presence#{rep_id}", consistent_read=True)
    except PresenceItem.DoesNotExist:
        return None
    return _presence(item)


def presence_read(rep_id: str) -> ItemRead:
    """`get_presence`, as one read of `read_together`."""
    return ItemRead(
        PresenceItem, {"pk": {"S": f"presence#{rep_id}"}}, lambda item: None if item is None else _presence(item)
    )


def reach_check_entry(rep_id: str, online: bool, on_call: bool, fresh_since: str) -> Entry:
    """A premise of a transaction: the rep's softphone is still (online, on a call) as said. A
    presence is online only while fresher than `fresh_since`; no presence is offline."""
    names = {"#online": "online", "#updated": "updated_at"}
    values: dict[str, Any] = {":fresh": {"S": fresh_since}}
    if online:
        condition = "#online = :yes AND #on_call = :on_call AND #updated >= :fresh"
        names["#on_call"] = "on_call"
        values |= {":yes": {"BOOL": True}, ":on_call": {"BOOL": on_call}}
    else:
        condition = "attribute_not_exists(#pk) OR #online = :no OR #updated < :fresh"
        names["#pk"] = "pk"
        values[":no"] = {"BOOL": False}
    return {
        "ConditionCheck": {
            "TableName": PresenceItem.Meta.table_name,
            "Key": raw_item({"pk": f"presence#{rep_id}"}),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _presence(item: PresenceItem) -> Presence:
    return Presence(online=bool(item.online), on_call=bool(item.on_call), updated_at=item.updated_at)


class TeamSettingsItem(Model):
    """The team's settings an admin edits (call outcomes, ...): `pk` is `settings#team`."""

    Meta = table_meta("reps")

    pk = UnicodeAttribute(hash_key=True)
    call_outcomes = ListAttribute[str](null=True)


TEAM_SETTINGS = "settings#team"


def call_outcomes() -> list[str] | None:
    try:
        item = TeamSettingsItem.get(TEAM_SETTINGS, consistent_read=True)
    except TeamSettingsItem.DoesNotExist:
        return None
    return list(item.call_outcomes) if item.call_outcomes else None


def save_call_outcomes(outcomes: list[str]) -> None:
    TeamSettingsItem(TEAM_SETTINGS).update(actions=[TeamSettingsItem.call_outcomes.set(outcomes)])


class ScriptAttribute(MapAttribute[str, str]):
    title = UnicodeAttribute()
    text = UnicodeAttribute()


class CallScriptsItem(Model):
    """The team's call scripts (`pk` is `settings#call-scripts`), apart from the other team
    settings: the list alone may take most of an item's 400 KB (see domain/call_scripts.py)."""

    Meta = table_meta("reps")

    pk = UnicodeAttribute(hash_key=True)
    scripts = ListAttribute[ScriptAttribute](of=ScriptAttribute)


CALL_SCRIPTS = "settings#call-scripts"


def call_scripts() -> list[CallScript]:
    try:
        item = CallScriptsItem.get(CALL_SCRIPTS, consistent_read=True)
    except CallScriptsItem.DoesNotExist:
        return []
    return [CallScript(title=script.title, text=script.text) for script in item.scripts]


def save_call_scripts(scripts: list[CallScript]) -> None:
    """The list replaces the one before, whole (one PutItem)."""
    stored = [ScriptAttribute(title=script.title, text=script.text) for script in scripts]
    CallScriptsItem(CALL_SCRIPTS, scripts=stored).save()
