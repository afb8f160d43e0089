"""Keycloak's strict JSON decoding (Jackson semantics) used by the registration service."""

from __future__ import annotations

import pytest

from harness.products.keycloak.emulator.jsonbody import OIDC_CLIENT_FIELDS, BodyRejected, decode_representation


def _reject(raw: str) -> tuple[int, bytes]:
    with pytest.raises(BodyRejected) as info:
        decode_representation(raw.encode(), "RequiredActionProviderRepresentation", {"alias": "str"})
    return info.value.response.status_code, bytes(info.value.response.body)


# Columns measured on a live Keycloak 26.7.1 (recorded by the Gloak project).
@pytest.mark.parametrize(
    ("body", "column"),
    [
        ('{"zz":1}', 8),
        ('{"zz":12}', 9),
        ('{"zz":"a"}', 8),
        ('{"zz":null}', 11),
        ('{"zz":true}', 11),
        ('{"zz":[1,2]}', 8),
        ('{"zz":{"a":1}}', 8),
        ('{ "zz" : 1 }', 11),
        ('{"zz":1,"alias":"VERIFY_EMAIL"}', 8),
        ('{"alias":"VERIFY_EMAIL","zz":1}', 31),
    ],
)
def test_unrecognized_field_position(body: str, column: int) -> None:
    status, content = _reject(body)
    assert status == 400
    assert content.decode() == (
        '{"error":"Invalid json representation for RequiredActionProviderRepresentation. '
        f'Unrecognized field \\"zz\\" at line 1 column {column}."}}'
    )


def test_position_on_a_later_line() -> None:
    _, content = _reject('{\n  "alias": "x",\n  "zz": false\n}')
    assert b"at line 3 column 14." in content


def test_position_counts_bytes() -> None:
    _, content = _reject('{"alias":"\u00e9\u00e9","zz":1}')
    assert b"at line 1 column 23." in content  # two 2-byte characters: Jackson counts bytes


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        ("{", 400, b'{"error":"invalid_request","error_description":"Cannot parse the JSON"}'),
        ('{"alias":NaN}', 400, b'{"error":"invalid_request","error_description":"Cannot parse the JSON"}'),
        ("[]", 400, b'{"error":"unknown_error","error_description":"Cannot parse the JSON"}'),
        ('"x"', 400, b'{"error":"unknown_error","error_description":"Cannot parse the JSON"}'),
        ('{"alias":[1]}', 400, b'{"error":"unknown_error","error_description":"Cannot parse the JSON"}'),
        ("", 500, b'{"error":"unknown_error","error_description":"For more on this error consult the server log."}'),
        ("null", 500, b'{"error":"unknown_error","error_description":"For more on this error consult the server log."}'),
    ],
)
def test_other_refusals(raw: str, status: int, error: bytes) -> None:
    assert _reject(raw) == (status, error)


def test_known_members_pass_and_scalars_are_coerced() -> None:
    got = decode_representation(b'{"client_name": 5, "redirect_uris": ["a"], "jwks": {"keys": []}}',
                                "OIDCClientRepresentation", OIDC_CLIENT_FIELDS)
    assert got == {"client_name": 5, "redirect_uris": ["a"], "jwks": {"keys": []}}


def test_lenient_mode_drops_unknown_members() -> None:
    got = decode_representation(b'{"alias": "a", "zz": 1}', "X", {"alias": "str"}, strict=False)
    assert got == {"alias": "a"}
