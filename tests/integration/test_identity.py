"""Who a signed-in user is: the rep bound to the user pool's `sub` at the first verified sign-in.

Tokens are the local stack's stand-in for Cognito's ID token, handed to the functions as API
Gateway's Cognito authorizer hands them (every claim a string). Each test makes its own reps, so
that binding them leaves the demo reps to the other tests.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from api_support import Api

from commcenter.data import reps as reps_data
from commcenter.domain.reps import Rep, Role
from commcenter_local.dev_auth import issue_token
from commcenter_local.stack import ROOT, LocalStack
from commcenter_local.template import read_yaml


def new_rep(role: Role = "rep") -> Rep:
    """A rep an admin created with an email (no number): nobody has signed in as them yet."""
    suffix = uuid.uuid4().hex[:10]
    rep = Rep(id=f"rep-{suffix}", name=f"Identity {suffix}", email=f"id-{suffix}@northwind.example", role=role)
    reps_data.create(rep)
    return rep


def user() -> str:
    """A user of the user pool: its `sub`, a UUID."""
    return str(uuid.uuid4())


def me(stack: LocalStack, email: str, sub: str, verified: bool = True) -> requests.Response:
    token = issue_token(email, stack.data_dir, sub=sub, email_verified=verified)
    return requests.get(stack.base_url + "/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_a_rep_stays_who_they_are_when_their_email_changes_to_an_admins(local_stack: LocalStack) -> None:
    admin, rep = new_rep("admin"), new_rep()
    mallory = user()
    assert me(local_stack, rep.email, mallory).json()["id"] == rep.id  # the first sign-in binds the rep

    # The rep's email in the user pool becomes the admin's, in another case: still the rep.
    changed = me(local_stack, admin.email.upper(), mallory)
    assert changed.status_code == 200 and changed.json()["id"] == rep.id and changed.json()["role"] == "rep"
    # The admin's own user is the admin, and stays bound to the admin.
    owner = user()
    assert me(local_stack, admin.email, owner).json()["id"] == admin.id
    assert me(local_stack, "someone-else@elsewhere.example", owner).json()["id"] == admin.id


def test_an_unverified_email_signs_in_nobody_and_binds_nothing(local_stack: LocalStack) -> None:
    rep = new_rep()
    unverified = me(local_stack, rep.email, user(), verified=False)
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "email_not_verified"
    assert "not verified" in unverified.json()["error"]["message"]
    # Nothing was bound: the rep's own user signs in once the address is verified.
    assert me(local_stack, rep.email, user()).json()["id"] == rep.id


def test_a_second_user_with_a_bound_reps_email_is_refused(local_stack: LocalStack) -> None:
    rep = new_rep()
    first = user()
    assert me(local_stack, rep.email, first).status_code == 200
    second = me(local_stack, rep.email.upper(), user())
    assert second.status_code == 403 and second.json()["error"]["code"] == "rep_bound_to_another_user"
    assert me(local_stack, rep.email, first).json()["id"] == rep.id


def test_a_user_who_is_no_rep_is_refused(local_stack: LocalStack) -> None:
    stranger = me(local_stack, f"{uuid.uuid4().hex[:8]}@elsewhere.example", user())
    assert stranger.status_code == 403 and "not a rep of this team" in stranger.json()["error"]["message"]


def test_the_functions_get_the_claims_as_api_gateways_cognito_authorizer_hands_them(
    local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = new_rep()
    token = issue_token(rep.email, local_stack.data_dir, sub=user())
    seen: list[dict[str, Any]] = []
    function = local_stack.functions["ApiFunction"]
    original = function.invoke

    def spy(event: dict[str, Any]) -> Any:
        seen.append(event["requestContext"]["authorizer"]["claims"])
        return original(event)

    monkeypatch.setattr(function, "invoke", spy)
    requests.get(local_stack.base_url + "/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    (claims,) = seen
    assert claims["email_verified"] == "true" and claims["email"] == rep.email
    assert all(isinstance(value, str) for value in claims.values())


def test_the_user_pool_keeps_one_user_per_address_and_the_email_out_of_the_users_hands() -> None:
    resources = read_yaml(ROOT / "template.yaml")["Resources"]
    pool = resources["UserPool"]["Properties"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    client = resources["UserPoolClient"]["Properties"]
    assert {"email", "email_verified"} <= set(client["ReadAttributes"])
    # An empty list would let the client write every attribute, as leaving it out does.
    assert client["WriteAttributes"] and "email" not in client["WriteAttributes"]


def test_the_team_list_shows_forwarding_numbers_to_admins_and_to_each_rep_alone(alice: Api, bruno: Api) -> None:
    """A forwarding number is a rep's personal phone: admins (who set up calls) see it, and the
    rep themself; any other rep's list leaves it out."""
    admin, rep = alice.ok("GET", "/api/me"), bruno.ok("GET", "/api/me")
    assert admin["forwarding_number"]  # the demo admin forwards to her mobile
    as_rep = {r["id"]: r for r in bruno.ok("GET", "/api/reps")["items"]}
    assert "forwarding_number" not in as_rep[admin["id"]]
    assert as_rep[rep["id"]]["forwarding_number"] == rep["forwarding_number"]
    assert as_rep[admin["id"]]["twilio_number"] == admin["twilio_number"]  # the rest stays shown
    as_admin = {r["id"]: r for r in alice.ok("GET", "/api/reps")["items"]}
    assert as_admin[admin["id"]]["forwarding_number"] == admin["forwarding_number"]
    assert as_admin[rep["id"]]["forwarding_number"] == rep["forwarding_number"]
