"""The emulator's view of oxTrust's client list (``/dcr-harness/admin/clients``) and
GluuClients, the product's ClientAdmin (the guide's "see the client in Gluu", and the
cleanup's lookup by name)."""

from __future__ import annotations

import pytest
import requests

from harness.core.errors import HarnessError
from harness.products.detect import product
from harness.products.gluu.clients import GluuClients
from tests.gluu.helpers import ADMIN, register

PATH = "/dcr-harness/admin/clients"


def test_needs_admin_credentials_and_shows_no_secret(gluu):
    client = register(gluu, {"client_name": "seen-in-oxtrust", "redirect_uris": ["https://rp.example.com/cb"],
                             "grant_types": ["client_credentials"], "response_types": ["token"]}).json()
    assert requests.get(gluu.base_url + PATH, timeout=10).status_code == 401
    listed = requests.get(gluu.base_url + PATH, params={"client_id": client["client_id"]}, auth=ADMIN, timeout=10).json()
    assert [c["inum"] for c in listed] == [client["client_id"]]
    text = str(listed)
    assert client["client_secret"] not in text and client["registration_access_token"] not in text


def test_client_admin_finds_reads_and_deletes(gluu):
    client = register(gluu, {"client_name": "run abc123", "redirect_uris": ["https://rp.example.com/cb"],
                             "grant_types": ["client_credentials"], "response_types": ["token"]}).json()
    admin = product("gluu").client_admin(gluu.base_url, *ADMIN, session=requests.Session(), realm="master")
    assert admin is not None
    stored = admin.stored(client["client_id"])
    assert stored is not None and stored.grant_types == client["grant_types"]
    assert stored.native["oxAuthGrantType"] == client["grant_types"]
    assert admin.find_by_name("run abc123") == [{"id": client["client_id"], "client_id": client["client_id"],
                                                 "name": "run abc123"}]
    admin.delete(client["client_id"])
    assert admin.stored(client["client_id"]) is None and admin.find_by_name("run abc123") == []
    admin.delete(client["client_id"])  # already gone: fine


def test_a_gluu_without_the_endpoint_says_where_to_look_instead(gluu):
    with pytest.raises(HarnessError, match=r"answered 404: .* look in oxTrust → OpenID Connect → Clients"):
        GluuClients(gluu.base_url + "/elsewhere", *ADMIN).stored("any")
