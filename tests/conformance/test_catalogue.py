"""docs/conformance.md is generated from the registry; this fails when it is stale."""

from __future__ import annotations

from harness.conformance.catalogue import DOC_PATH, render_catalogue
from harness.conformance.registry import all_checks


def test_docs_catalogue_is_current() -> None:
    assert DOC_PATH.is_file(), "run: python -m harness.conformance.catalogue --write"
    assert DOC_PATH.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/conformance.md is stale: run python -m harness.conformance.catalogue --write")


def test_catalogue_lists_every_check_and_quirk_source() -> None:
    text = render_catalogue()
    for c in all_checks():
        assert f"`{c.id}`" in text
    assert "KeycloakProfile.wrong_secret_error" in text and "GluuProfile.registration_status" in text
