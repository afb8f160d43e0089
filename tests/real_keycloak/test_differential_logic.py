"""The differential machinery itself (no server): the normaliser hides only what is
volatile, and ``compare`` reports every kind of difference it should."""

from __future__ import annotations

from harness.products.keycloak.differential import Difference, Normaliser, Observation, compare, format_differences

UUID = "0b9f8e4c-2a51-4a4e-9d59-3f2b1c6d7e8f"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"


def _norm() -> Normaliser:
    n = Normaliser()
    n.label("http://127.0.0.1:8123/auth", "base")
    n.label("dcrdiff1", "realm")
    n.label(UUID, "client_a")
    return n


def test_volatile_values_become_type_tags_and_known_values_labels() -> None:
    body = {
        "client_id": UUID,
        "client_secret": "s3cr3t-value-xyz",
        "client_id_issued_at": 1767225600,
        "registration_access_token": JWT,
        "registration_client_uri": f"http://127.0.0.1:8123/auth/realms/dcrdiff1/clients-registrations/openid-connect/{UUID}",
        "client_secret_expires_at": 0,
        "grant_types": ["refresh_token", "authorization_code"],
        "scope": "profile email",
        "jti": "trrtcc:" + UUID,
        "note": "id 11111111-2222-3333-4444-555555555555 and token " + JWT,
    }
    assert _norm().value(body) == {
        "client_id": "{client_a}",
        "client_id_issued_at": "<int>",
        "client_secret": "<str>",
        "client_secret_expires_at": 0,
        "grant_types": ["authorization_code", "refresh_token"],
        "jti": "<str>",
        "note": "id <uuid> and token <jwt>",
        "registration_access_token": "<jwt>",
        "registration_client_uri": "{base}/realms/{realm}/clients-registrations/openid-connect/{client_a}",
        "scope": "email profile",
    }


def test_type_changes_of_volatile_fields_are_visible() -> None:
    n = _norm()
    assert n.value({"client_id_issued_at": "1767225600"}) == {"client_id_issued_at": "<str>"}
    assert n.value({"iat": 1.5}) == {"iat": "<float>"}
    assert n.value({"exp": None}) == {"exp": "<null>"}
    assert n.value({"token": ""}) == {"token": "<empty-str>"}


def test_key_sets_are_sorted_lists_of_objects() -> None:
    keys = [{"use": "sig", "kid": "a"}, {"use": "enc", "kid": "b"}]
    assert _norm().value({"keys": keys}) == {"keys": [{"kid": "<str>", "use": "enc"}, {"kid": "<str>", "use": "sig"}]}


def _obs(**kw: object) -> Observation:
    base = dict(name="x", request="POST {base}/t", status=200, headers={"content-type": "application/json"},
                body={"error": "invalid_token", "error_description": "Failed decode token"}, derived={})
    base.update(kw)
    return Observation(**base)  # type: ignore[arg-type]


def test_identical_runs_have_no_difference() -> None:
    assert compare([_obs()], [_obs()]) == []
    assert format_differences([]) == "no differences"


def test_every_kind_of_difference_is_reported() -> None:
    emu = [_obs(status=400, headers={"content-type": "application/json", "cache-control": "no-store"},
                body={"error": "invalid_token", "extra": 1}, derived={"rat_rotated": False})]
    real = [_obs(derived={"rat_rotated": True})]
    diffs = compare(emu, real)
    assert diffs == [
        Difference("x", "status", 400, 200),
        Difference("x", "headers.cache-control", "no-store", "<absent>"),
        Difference("x", "body.error_description", "<absent>", "Failed decode token"),
        Difference("x", "body.extra", 1, "<absent>"),
        Difference("x", "derived.rat_rotated", False, True),
    ]
    text = format_differences(diffs)
    assert text.splitlines()[0] == "5 difference(s) between emulator and real:"
    assert "  [x] status: emulator=400 real=200" in text.splitlines()


def test_missing_exchanges_are_reported() -> None:
    diffs = compare([_obs(name="a")], [_obs(name="a"), _obs(name="b")], labels=("left", "right"))
    assert diffs == [Difference("<sequence>", "exchange names", ["a"], ["a", "b"], ("left", "right"))]
    assert str(diffs[0]) == "[<sequence>] exchange names: left=['a'] right=['a', 'b']"


def test_lifetimes_tolerate_the_second_boundary() -> None:
    n = _norm()
    assert n.value({"expires_in": 299, "refresh_expires_in": 1799}) == {"expires_in": 300, "refresh_expires_in": 1800}
    assert n.value({"expires_in": 300, "refresh_expires_in": 0}) == {"expires_in": 300, "refresh_expires_in": 0}
    assert n.value({"expires_in": 60}) != n.value({"expires_in": 300})
