"""docs/profiles.md is generated from the profile dataclasses and must not be stale."""

from harness.products.docs import DOC_PATH, field_comments, render
from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.profile import KeycloakProfile


def test_profiles_doc_is_current() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m harness.products.docs"


def test_every_quirk_field_is_documented() -> None:
    import dataclasses

    for cls in (KeycloakProfile, GluuProfile):
        comments = field_comments(cls)
        missing = [f.name for f in dataclasses.fields(cls) if not comments.get(f.name)]
        assert not missing, f"{cls.__name__} fields without a '#:' comment: {missing}"
