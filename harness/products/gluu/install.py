"""What a default Gluu CE 4.2 / 4.4 install configures, from the installer's own
templates and oxAuth's sources (issue 17). Read by the emulator's discovery document
and registration validation; the values that differ between releases are
:class:`~harness.products.gluu.profile.GluuProfile` fields, the rest are here.

Sources (tags ``version_4.2.3`` and ``version_4.4.0`` of both repositories):
* ``ce-setup`` — GluuFederation/community-edition-setup ``templates/oxauth-config.json``
  (4.2.3) and ``templates/oxauth/oxauth-config.json`` (4.4.0); ``templates/scopes.ldif``
  and ``templates/attributes.ldif`` (scopes and their claims); ``templates/scripts.ldif``
  (no person-authentication script is enabled by default: passport_social is
  ``oxEnabled: %(gluuPassportEnabled)s``);
* ``src:OpenIdConfiguration`` — GluuFederation/oxAuth
  ``Server/src/main/java/org/gluu/oxauth/servlet/OpenIdConfiguration.java``
  ``processRequest`` lines 102-312 (identical in 4.2.3 and 4.4.0), then
  ``src:CIBAConfigurationService.processConfiguration`` lines 34-58;
* ``src:ClientAttributes`` — ``Model/.../model/registration/ClientAttributes.java``
  (getters turn null into ``false`` / ``[]``);
* ``src:RegisterRestWebServiceImpl.getJSONObject`` (lines 831-935 in 4.2.3; unchanged in 4.4.0).
"""

from __future__ import annotations

#: Discovery members whose value is fixed by the installer (ce-setup ``oxauth-config.json``;
#: the same in 4.2.3 and 4.4.0).
RESPONSE_MODES_SUPPORTED: tuple[str, ...] = ("query", "fragment", "form_post")
#: ``idTokenEncryptionAlgValuesSupported`` = ``userInfoEncryptionAlgValuesSupported`` =
#: ``requestObjectEncryptionAlgValuesSupported`` (ce-setup).
ENCRYPTION_ALG_VALUES: tuple[str, ...] = ("RSA1_5", "RSA-OAEP", "A128KW", "A256KW")
#: The ``*EncryptionEncValuesSupported`` lists (ce-setup); oxAuth's names for the
#: AES-CBC-HMAC encodings use ``+`` (src:BlockEncryptionAlgorithm).
ENCRYPTION_ENC_VALUES: tuple[str, ...] = ("A128CBC+HS256", "A256CBC+HS512", "A128GCM", "A256GCM")
DISPLAY_VALUES_SUPPORTED: tuple[str, ...] = ("page", "popup")
CLAIM_TYPES_SUPPORTED: tuple[str, ...] = ("normal",)
SERVICE_DOCUMENTATION = "http://gluu.org/docs"
ID_TOKEN_TOKEN_BINDING_CNF_VALUES_SUPPORTED: tuple[str, ...] = ("tbh",)
CLAIMS_LOCALES_SUPPORTED: tuple[str, ...] = ("en",)
UI_LOCALES_SUPPORTED: tuple[str, ...] = ("en", "bg", "de", "es", "fr", "it", "ru", "tr")
OP_POLICY_URI = "http://ox.gluu.org/doku.php?id=oxauth:policy"
OP_TOS_URI = "http://ox.gluu.org/doku.php?id=oxauth:tos"
#: ``backchannelTokenDeliveryModesSupported`` and
#: ``backchannelAuthenticationRequestSigningAlgValuesSupported`` are ``[]`` in ce-setup, so
#: CIBAConfigurationService leaves those two members out; ``backchannelUserCodeParameterSupported``
#: is false.
BACKCHANNEL_USER_CODE_PARAMETER_SUPPORTED = False

#: Every signature algorithm oxAuth parses (src:SignatureAlgorithm, 4.2.3 and 4.4.0). A name
#: outside this set parses to null and is not validated at all (src:RegisterParamsValidator
#: .validateAlgorithms tests ``!= null`` first).
KNOWN_SIGNATURE_ALGS: frozenset[str] = frozenset(
    {"none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}
)
#: src:KeyEncryptionAlgorithm.
KNOWN_KEY_ENCRYPTION_ALGS: frozenset[str] = frozenset({"RSA1_5", "RSA-OAEP", "A128KW", "A256KW"})
#: src:BlockEncryptionAlgorithm.
KNOWN_BLOCK_ENCRYPTION_ALGS: frozenset[str] = frozenset({"A128CBC+HS256", "A256CBC+HS512", "A128GCM", "A256GCM"})

#: Scopes of a default install with the claims each maps to, in scopes.ldif order
#: (ce-setup ``templates/scopes.ldif`` + ``attributes.ldif`` ``oxAuthClaimName``; 4.2.3).
#: ``permission`` is a dynamic scope: its claims come from the dynamic_permission script
#: (not modelled: none listed).
SCOPE_CLAIMS_42: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("openid", ()),
    ("profile", ("name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
                 "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at")),
    ("email", ("email_verified", "email")),
    ("address", ("formatted", "postal_code", "street_address", "locality", "country", "region")),
    ("phone", ("phone_number_verified", "phone_number")),
    ("clientinfo", ("name", "inum")),
    ("user_name", ("user_name",)),
    ("uma_protection", ()),
    ("oxd", ()),
    ("revoke_session", ()),
    ("mobile_phone", ("phone_mobile_number",)),
    ("permission", ()),
    ("offline_access", ()),
)

#: The same for 4.4.0: ``profile`` gains ``preferred_language``, ``address`` gains
#: ``room_number`` and ``post_office_box``; ``jans_stat`` exists but has
#: ``showInConfigurationEndpoint: false``, so discovery skips it (src:OpenIdConfiguration
#: .createScopeToClaimsMapping ``canShowInConfigEndpoint``).
SCOPE_CLAIMS_44: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, claims + ("preferred_language",)) if name == "profile"
    else (name, ("formatted", "postal_code", "street_address", "locality", "country", "room_number", "region",
                 "post_office_box")) if name == "address"
    else (name, claims)
    for name, claims in SCOPE_CLAIMS_42
)

#: Registration-response members oxAuth always writes, with the value a client that did
#: not set them has (src:RegisterRestWebServiceImpl.getJSONObject +
#: src:ClientAttributes getters: ``allowSpontaneousScopes`` false, ``spontaneousScopes`` [],
#: ``runIntrospectionScript...`` false, ``keepClientAuthorizationAfterExpiration`` false,
#: ``backchannelLogoutUri`` []). ``tls_client_auth_subject_dn`` and ``frontchannel_logout_uri``
#: are written only when set; ``additional_audience`` is not written by 4.2.3 or 4.4.0.
ALWAYS_WRITTEN_CLIENT_ATTRIBUTES: tuple[tuple[str, object], ...] = (
    ("allow_spontaneous_scopes", False),
    ("spontaneous_scopes", []),
    ("run_introspection_script_before_access_token_as_jwt_creation_and_include_claims", False),
    ("keep_client_authorization_after_expiration", False),
    ("backchannel_logout_uri", []),
)
