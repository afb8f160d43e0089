"""Management plan: RFC 7592 — read, update (full replacement, RAT rotation), delete,
and what a bad registration access token gets. One throw-away client walks through
the whole life cycle; it is deleted by the plan (and by the cleanup if the plan stops)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from harness.conformance.checks.common import body_json, error_description, header, is_json, outcome
from harness.conformance.checks.shape import base_metadata
from harness.conformance.checks.verdicts import answered_or_skip, auth_challenge, refused_with
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.core.transcript import Exchange

PLAN = "management"
BAD_RAT = "dcr-harness-not-a-registration-access-token"


def _auth(rat: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {rat}", "Accept": "application/json"}


def token_request(ctx: CheckContext, client_id: str, secret: str, *, method: str = "client_secret_post",
                  form: dict[str, str | None] | None = None, actor: str = "harness") -> Exchange:
    """One token endpoint request (RFC 6749 §4.4.2 / §2.3.1); the recorded exchange."""
    return token_call(ctx, client_id, secret, method=method, form=form, actor=actor)[1]


def token_call(ctx: CheckContext, client_id: str, secret: str, *, method: str = "client_secret_post",
               form: dict[str, str | None] | None = None, actor: str = "harness") -> tuple[Any, Exchange]:
    """One token endpoint request — raw, so errors are observed; ``form`` values of
    ``None`` remove a parameter (e.g. ``grant_type``)."""
    endpoint = ctx.endpoint("token_endpoint")
    data: dict[str, str | None] = {"grant_type": "client_credentials", **(form or {})}
    headers = {"Accept": "application/json"}
    if method == "client_secret_post":
        data.update(client_id=client_id, client_secret=secret)
    else:  # client_secret_basic: form-urlencode both parts first (RFC 6749 §2.3.1)
        raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    data = {k: v for k, v in data.items() if v is not None}
    return ctx.call("POST", endpoint, actor=actor, data=data, headers=headers)


@probe("management")
def probe_management(ctx: CheckContext) -> Observation:
    """The life cycle: register → read → read (bad RAT) → update → read (newest RAT) →
    read (old RAT, if rotated) → update (bad RAT) → update omitting redirect_uris →
    token → delete (bad RAT) → delete → token after delete → read after delete."""
    metadata = base_metadata(ctx, "mgmt")
    resp, reg, client = ctx.register(metadata)
    if client is None:
        raise Skip(f"could not register a client to manage ({outcome(reg)}{error_description(reg)})")
    if not client.registration_client_uri or not client.registration_access_token:
        raise Skip("RFC 7592 is absent: the registration response has no registration_client_uri/"
                   "registration_access_token (see REG-MGMT-CREDENTIALS-PAIRED)")
    ex: dict[str, Exchange] = {"register": reg}
    facts: dict[str, Any] = {"client_id": client.client_id, "metadata": metadata}
    uri = client.registration_client_uri

    def call(name: str, method: str, rat: str, body: dict[str, Any] | None = None) -> Any:
        h = _auth(rat)
        kwargs: dict[str, Any] = {"headers": h}
        if body is not None:
            kwargs["json"] = body
        r, e = ctx.call(method, uri, **kwargs)
        ex[name] = e
        return r

    first_rat = client.registration_access_token
    call("read", "GET", first_rat)
    call("read_bad_rat", "GET", BAD_RAT)
    # RFC 7592 §2 / OIDC Registration §4.4: a token is bound to its own client — the
    # base client's token must not open this client's record.
    try:
        other = ctx.observe("register.guide").facts.get("client")
    except Skip:  # the base registration is judged by the registration plan
        other = None
    if other is not None and other.registration_access_token and other.client_id != client.client_id:
        call("read_other_rat", "GET", other.registration_access_token)
        facts["other_client_id"] = other.client_id
    # RFC 7592 §2.2: the full metadata, client_id included, one value changed.
    updated_name = metadata["client_name"] + "-updated"
    facts["updated_name"] = updated_name
    r = call("update", "PUT", first_rat, {**metadata, "client_id": client.client_id, "client_name": updated_name})
    rotated = ctx.absorb(client, r)
    facts["rotated"] = rotated
    call("read_newest_rat", "GET", client.registration_access_token or first_rat)
    if rotated:
        call("read_old_rat", "GET", first_rat)
    call("update_bad_rat", "PUT", BAD_RAT, {**metadata, "client_id": client.client_id})
    # Omit redirect_uris: a full replacement deletes them (RFC 7592 §2.2).
    omit = {k: v for k, v in metadata.items() if k != "redirect_uris"}
    r = call("update_omit", "PUT", client.registration_access_token or first_rat,
             {**omit, "client_id": client.client_id, "client_name": updated_name})
    ctx.absorb(client, r)
    if client.client_secret:
        ex["token_before_delete"] = token_request(ctx, client.client_id, client.client_secret)
    call("delete_bad_rat", "DELETE", BAD_RAT)
    final_rat = client.registration_access_token or first_rat
    r = call("delete", "DELETE", final_rat)
    if r is not None and r.status_code in (200, 204):
        ctx.forget(client)
    if client.client_secret:
        ex["token_after_delete"] = token_request(ctx, client.client_id, client.client_secret)
    call("read_after_delete", "GET", final_rat)
    return Observation(ex, facts)


def _permitted(ex: Exchange, what: str, section: str) -> None:
    """SKIP when the server declined the operation in a way RFC 7592 allows: 403 "the
    client is not allowed to" update/delete itself, 405 the method is not supported
    (RFC 7592 §2.2, §2.3; OIDC Registration 1.0 defines reading only, §4)."""
    if ex.status in (403, 405):
        raise Skip(f"the server does not let this client {what} ({outcome(ex)}{error_description(ex)}; "
                   f"RFC 7592 {section} allows 403/405)")


def _unsupported(obs: Observation, valid: str, bad: str, what: str) -> None:
    """SKIP when the operation with a valid token and with a bad one got the same 403/405:
    the server offers no such operation, so the bad token's answer says nothing about it."""
    ok, ko = obs.ex(valid), obs.ex(bad)
    if ok is not None and ko is not None and ok.status in (403, 405) and ko.status == ok.status:
        raise Skip(f"the server refuses {what} with a valid token too ({outcome(ok)}): it offers none "
                   "(RFC 7592 §2.2/§2.3 allow 403/405)")


def _bad_rat(obs: Observation, name: str, what: str) -> Result:
    return refused_with(answered_or_skip(obs, name, what), "401 invalid_token")


@check("MGMT-READ-200", "Reading the client answers 200 with its current metadata",
       spec="RFC7592-2.1", level=Level.MUST, plan=PLAN, probe="management")
def mgmt_read(obs: Observation) -> Result:
    """GET on ``registration_client_uri`` with the registration access token answers 200
    JSON with the client's metadata, ``client_id`` included (RFC 7592 §2.1)."""
    ex = answered_or_skip(obs, "read", "the read request")
    data = body_json(ex)
    cid = obs.facts.get("client_id")
    if ex.status != 200:
        return Result.fail(f"answered {outcome(ex)}{error_description(ex)}", expected=200, actual=ex.status)
    if not is_json(ex) or not isinstance(data, dict):
        return Result.fail("the body is not a JSON object", expected="JSON metadata", actual=header(ex, "content-type"))
    if data.get("client_id") != cid:
        return Result.fail(f"client_id {data.get('client_id')!r} is not the registered {cid!r}", expected=cid,
                           actual=data.get("client_id"))
    name = obs.facts.get("metadata", {}).get("client_name")
    if name and data.get("client_name") != name:
        return Result.fail(f"client_name {data.get('client_name')!r} is not the registered {name!r}",
                           expected=name, actual=data.get("client_name"))
    return Result.ok(f"200 with {len(data)} members", expected=200, actual=200, evidence=("register", "read"))


@check("MGMT-READ-BAD-RAT-401", "Reading with a bad registration access token answers 401 invalid_token",
       spec="RFC7592-2.1", level=Level.MUST, plan=PLAN, probe="management", see=("RFC6750-3.1",))
def mgmt_read_bad(obs: Observation) -> Result:
    """A read with an invalid registration access token is refused as RFC 6750 §3.1
    ``invalid_token`` with 401 (RFC 7592 §2.1)."""
    return _bad_rat(obs, "read_bad_rat", "the read with a bad token")


@check("MGMT-BAD-RAT-WWW-AUTHENTICATE", "The 401 for a bad registration access token carries WWW-Authenticate: Bearer",
       spec="RFC6750-3", level=Level.MUST, plan=PLAN, probe="management", see=("RFC7592-2.1",))
def mgmt_bad_rat_www(obs: Observation) -> Result:
    """A failed Bearer authentication "MUST include the WWW-Authenticate response header
    field" (RFC 6750 §3)."""
    ex = answered_or_skip(obs, "read_bad_rat", "the read with a bad token")
    if ex.status != 401:
        raise Skip(f"the bad token got {outcome(ex)}, not 401 (see MGMT-READ-BAD-RAT-401)")
    return auth_challenge(ex, "Bearer", evidence=("read_bad_rat",))


@check("MGMT-UPDATE-200", "Updating the client answers 200 with the new metadata",
       spec="RFC7592-2.2", level=Level.MUST, plan=PLAN, probe="management")
def mgmt_update(obs: Observation) -> Result:
    """PUT with the full metadata and ``client_id`` answers 200 and the response shows the
    changed ``client_name`` (RFC 7592 §2.2)."""
    ex = answered_or_skip(obs, "update", "the update request")
    _permitted(ex, "update its record", "§2.2")
    data = body_json(ex)
    want = obs.facts.get("updated_name")
    if ex.status != 200:
        return Result.fail(f"answered {outcome(ex)}{error_description(ex)}", expected=200, actual=ex.status,
                           evidence=("update",))
    if not isinstance(data, dict) or data.get("client_name") != want:
        got = data.get("client_name") if isinstance(data, dict) else None
        return Result.fail(f"client_name is {got!r} after the update, not {want!r}", expected=want, actual=got,
                           evidence=("update",))
    return Result.ok(f"200, client_name {want}", expected=200, actual=200, evidence=("update",))


@check("MGMT-UPDATE-ROTATES-RAT", "After an update the newest registration access token works",
       spec="RFC7592-2.2", level=Level.MUST, plan=PLAN, probe="management", see=("RFC7592-3",))
def mgmt_rotates(obs: Observation) -> Result:
    """The server MAY issue a new registration access token on update (RFC 7592 §2.2);
    the client MUST then use it. The read with the newest token answers 200 (rotated or not)."""
    _permitted(answered_or_skip(obs, "update", "the update request"), "update its record", "§2.2")
    ex = answered_or_skip(obs, "read_newest_rat", "the read with the newest token")
    rotated = bool(obs.facts.get("rotated"))
    what = "rotated on update" if rotated else "not rotated (allowed)"
    if ex.status == 200:
        return Result.ok(f"token {what}; the newest one works", expected="200 with the newest token",
                         actual={"rotated": rotated, "read": 200}, evidence=("update", "read_newest_rat"))
    return Result.fail(f"token {what}, but the newest one got {outcome(ex)}", expected="200 with the newest token",
                       actual={"rotated": rotated, "read": outcome(ex)}, evidence=("update", "read_newest_rat"))


@check("MGMT-OLD-RAT-REVOKED", "A rotated-out registration access token stops working",
       spec="RFC7592-2.2", level=Level.SHOULD, plan=PLAN, probe="management", see=("RFC7592-3",))
def mgmt_old_rat(obs: Observation) -> Result:
    """When the update issued a new registration access token, the old one is discarded
    by the client and refused by the server (401) — RFC 7592 §2.2/§3. SKIP when not rotated."""
    if not obs.facts.get("rotated"):
        raise Skip("the registration access token was not rotated")
    ex = answered_or_skip(obs, "read_old_rat", "the read with the old token")
    got = outcome(ex)
    if ex.status == 401:  # its error code is MGMT-READ-BAD-RAT-401's to judge
        return Result.ok(f"the old token is refused: {got}{error_description(ex)}", expected=401, actual=got,
                         evidence=("update", "read_old_rat"))
    return Result.fail(f"the old token still answers {got}", expected=401, actual=got, evidence=("update", "read_old_rat"))


@check("MGMT-UPDATE-BAD-RAT-401", "Updating with a bad registration access token answers 401 invalid_token",
       spec="RFC7592-2.2", level=Level.MUST, plan=PLAN, probe="management", see=("RFC6750-3.1",))
def mgmt_update_bad(obs: Observation) -> Result:
    """An update with an invalid registration access token is refused with 401
    ``invalid_token`` (RFC 7592 §2.2, RFC 6750 §3.1). SKIP when the server answers the
    update with a *valid* token with the same 403/405: it does not offer updates at all."""
    _unsupported(obs, "update", "update_bad_rat", "updates")
    return _bad_rat(obs, "update_bad_rat", "the update with a bad token")


@check("MGMT-UPDATE-FULL-REPLACEMENT", "An update replaces the metadata: omitted fields are removed",
       spec="RFC7592-2.2", level=Level.MUST, plan=PLAN, probe="management")
def mgmt_full_replacement(obs: Observation) -> Result:
    """"Omitted fields MUST be treated as null or empty values by the server, indicating
    the client's request to delete them" (RFC 7592 §2.2): a PUT without ``redirect_uris``
    leaves the client with none."""
    ex = answered_or_skip(obs, "update_omit", "the update omitting redirect_uris")
    _permitted(ex, "update its record", "§2.2")
    data = body_json(ex)
    if ex.status == 400 and isinstance(data, dict) and data.get("error") in ("invalid_redirect_uri",
                                                                             "invalid_client_metadata"):
        raise Skip(f"the server refused to leave the client without redirect_uris ({outcome(ex)}"
                   f"{error_description(ex)}), as RFC 7592 §2.2 lets it refuse metadata")
    if ex.status != 200 or not isinstance(data, dict):
        return Result.fail(f"the update answered {outcome(ex)}{error_description(ex)}", expected="200, no redirect_uris",
                           actual=outcome(ex), evidence=("update_omit",))
    uris = data.get("redirect_uris")
    if not uris:
        return Result.ok("redirect_uris removed", expected="removed", actual="removed", evidence=("update_omit",))
    return Result.fail(f"redirect_uris kept after an update that omitted them: {uris}", expected="removed",
                       actual="kept", evidence=("update_omit",))


@check("MGMT-DELETE-BAD-RAT-401", "Deleting with a bad registration access token answers 401 invalid_token",
       spec="RFC7592-2.3", level=Level.MUST, plan=PLAN, probe="management", see=("RFC6750-3.1",))
def mgmt_delete_bad(obs: Observation) -> Result:
    """A delete with an invalid registration access token is refused with 401
    ``invalid_token`` and the client stays (RFC 7592 §2.3, RFC 6750 §3.1). SKIP when the
    delete with a valid token got the same 403/405: the server offers no delete."""
    _unsupported(obs, "delete", "delete_bad_rat", "deletes")
    return _bad_rat(obs, "delete_bad_rat", "the delete with a bad token")


@check("MGMT-DELETE-204", "Deleting the client answers 204 No Content",
       spec="RFC7592-2.3", level=Level.MUST, plan=PLAN, probe="management")
def mgmt_delete(obs: Observation) -> Result:
    """DELETE on ``registration_client_uri`` answers 204 No Content (RFC 7592 §2.3)."""
    ex = answered_or_skip(obs, "delete", "the delete request")
    _permitted(ex, "delete itself", "§2.3")
    if ex.status == 204:
        return Result.ok("204 No Content", expected=204, actual=204, evidence=("delete",))
    return Result.fail(f"answered {outcome(ex)}{error_description(ex)}", expected=204, actual=ex.status,
                       evidence=("delete",))


@check("MGMT-DELETED-NO-TOKEN", "A deleted client can no longer get tokens",
       spec="RFC7592-2.3", level=Level.MUST, plan=PLAN, probe="management", see=("RFC6749-5.2",))
def mgmt_deleted_no_token(obs: Observation) -> Result:
    """"A successful delete action will invalidate the client_id, client_secret, and
    registration_access_token" (RFC 7592 §2.3): the token endpoint refuses the deleted
    client (RFC 6749 §5.2 ``invalid_client``)."""
    delete = answered_or_skip(obs, "delete", "the delete request")
    if delete.status not in (200, 204):
        raise Skip(f"the delete failed ({outcome(delete)}; see MGMT-DELETE-204)")
    before, after = obs.ex("token_before_delete"), obs.ex("token_after_delete")
    if after is None:
        raise Skip("the client had no secret to try at the token endpoint")
    if after.status is None:
        return Result.fail(f"the token request got no answer: {after.error}", expected="400/401 error", actual=None)
    got = outcome(after)
    evidence = ("token_before_delete", "delete", "token_after_delete")
    if after.status == 200:
        return Result.fail("the deleted client still got a token", expected="400/401 invalid_client", actual=got,
                           evidence=evidence)
    if after.status in (400, 401):
        note = "" if before is None or before.status == 200 else f" (before the delete it got {outcome(before)})"
        return Result.ok(f"refused: {got}{error_description(after)}{note}", expected="400/401 invalid_client",
                         actual=got, evidence=evidence)
    return Result.fail(f"answered {got}", expected="400/401 invalid_client", actual=got, evidence=evidence)


@check("MGMT-DELETED-READ-401", "Reading a deleted client answers 401",
       spec="RFC7592-2.1", level=Level.MUST, plan=PLAN, probe="management", see=("RFC7592-2.3",))
def mgmt_deleted_read(obs: Observation) -> Result:
    """"If the client does not exist on this server, the server MUST respond with HTTP 401
    Unauthorized" (RFC 7592 §2.1), and the delete invalidated the token (§2.3)."""
    delete = answered_or_skip(obs, "delete", "the delete request")
    if delete.status not in (200, 204):
        raise Skip(f"the delete failed ({outcome(delete)}; see MGMT-DELETE-204)")
    ex = answered_or_skip(obs, "read_after_delete", "the read after delete")
    got = outcome(ex)
    if ex.status == 401:
        return Result.ok(f"{got}{error_description(ex)}", expected=401, actual=got, evidence=("read_after_delete",))
    return Result.fail(f"answered {got}{error_description(ex)}", expected=401, actual=got,
                       evidence=("read_after_delete",))



@check("MGMT-RAT-OTHER-CLIENT", "A registration access token does not open another client's record",
       spec="RFC7592-2.1", level=Level.MUST, plan=PLAN, probe="management",
       see=("OIDC-REGISTRATION-4", "RFC6750-3.1"))
def mgmt_rat_other_client(obs: Observation) -> Result:
    """The registration access token of client A, sent to client B's
    ``registration_client_uri``, is not valid there: RFC 7592 §2.1 "If the registration
    access token used to make this request is not valid, the server MUST respond with an
    error as described in OAuth 2.0 Bearer Token Usage" (401), and OIDC Registration §4.4
    says 401 for an invalid token and 403 when the client has no permission. A 2xx hands
    A another client's metadata (and possibly its secret)."""
    if "read_other_rat" not in obs.exchanges:
        raise Skip("the base client has no registration access token to try on another client")
    ex = answered_or_skip(obs, "read_other_rat", "the read with another client's token")
    got = outcome(ex)
    expected = "401 (or 403)"
    if ex.status in (401, 403):
        return Result.ok(f"refused: {got}{error_description(ex)}", expected=expected, actual=got,
                         evidence=("read_other_rat",))
    if ex.status is not None and 200 <= ex.status < 300:
        return Result.fail("client A's registration access token read client B's record", expected=expected,
                           actual=got, evidence=("read_other_rat",))
    return Result.fail(f"answered {got}{error_description(ex)}", expected=expected, actual=got,
                       evidence=("read_other_rat",))
