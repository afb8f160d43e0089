"""The JSON fields of Tyk's classic API definition and security policy, as data.

Generated from TykTechnologies/tyk at commit 31e219bebd5598ae9cce67c9b494cebba941f4a4:
the ``json`` struct tags of ``apidef.APIDefinition`` (apidef/api_definitions.go) and every
struct it nests (apidef/*.go: proxy, auth, auth_configs, version_data, extended_paths,
graphql, ...), and of ``user.Policy`` (user/policy.go, user/session.go, user/mcp_access.go,
user/custom_policies.go). Embedded structs are flattened as encoding/json does; ``json:"-"``
fields are left out; a field without a tag is keyed by its Go name; values of types
from other modules, ``interface{}`` and types with their own UnmarshalJSON are ``None``
(not checked further). One constant per Go struct, named after it.

Used by harness.tyk.gateway.fieldschema to report keys Tyk's decoder would drop. Do not edit
by hand: regenerate from Tyk's source when Tyk adds fields.
"""

from __future__ import annotations

from typing import Any

from harness.tyk.gateway.fieldschema import ListOf, MapOf

#: ``apidef.AnalyticsPluginConfig``
ANALYTICS_PLUGIN_CONFIG: dict[str, Any] = {
    "enable": None,
    "func_name": None,
    "plugin_path": None,
}


#: ``apidef.SignatureConfig``
SIGNATURE_CONFIG: dict[str, Any] = {
    "algorithm": None,
    "allowed_clock_skew": None,
    "error_code": None,
    "error_message": None,
    "header": None,
    "param_name": None,
    "secret": None,
    "use_param": None,
}


#: ``apidef.AuthConfig``
AUTH_CONFIG: dict[str, Any] = {
    "auth_header_name": None,
    "cookie_name": None,
    "disable_header": None,
    "name": None,
    "param_name": None,
    "signature": SIGNATURE_CONFIG,
    "use_certificate": None,
    "use_cookie": None,
    "use_param": None,
    "validate_signature": None,
}


#: ``apidef.AuthProviderMeta``
AUTH_PROVIDER_META: dict[str, Any] = {
    "meta": MapOf(None),
    "name": None,
    "storage_engine": None,
}


#: ``apidef.CORSConfig``
CORS_CONFIG: dict[str, Any] = {
    "allow_credentials": None,
    "allowed_headers": ListOf(None),
    "allowed_methods": ListOf(None),
    "allowed_origins": ListOf(None),
    "debug": None,
    "enable": None,
    "exposed_headers": ListOf(None),
    "max_age": None,
    "options_passthrough": None,
}


#: ``apidef.CacheOptions``
CACHE_OPTIONS: dict[str, Any] = {
    "cache_all_safe_requests": None,
    "cache_by_headers": ListOf(None),
    "cache_control_ttl_header": None,
    "cache_response_codes": ListOf(None),
    "cache_timeout": None,
    "enable_cache": None,
    "enable_upstream_cache_control": None,
}


#: ``apidef.ErrorMatcher``
ERROR_MATCHER: dict[str, Any] = {
    "body_field": None,
    "body_value": None,
    "flag": None,
    "message_pattern": None,
}


#: ``apidef.ErrorResponse``
ERROR_RESPONSE: dict[str, Any] = {
    "body": None,
    "headers": MapOf(None),
    "message": None,
    "status_code": None,
    "template": None,
}


#: ``apidef.ErrorOverride``
ERROR_OVERRIDE: dict[str, Any] = {
    "match": ERROR_MATCHER,
    "response": ERROR_RESPONSE,
}


#: ``apidef.EventHandlerTriggerConfig``
EVENT_HANDLER_TRIGGER_CONFIG: dict[str, Any] = {
    "handler_meta": MapOf(None),
    "handler_name": None,
}


#: ``apidef.EventHandlerMetaConfig``
EVENT_HANDLER_META_CONFIG: dict[str, Any] = {
    "events": MapOf(ListOf(EVENT_HANDLER_TRIGGER_CONFIG)),
}


#: ``apidef.IntrospectionCache``
INTROSPECTION_CACHE: dict[str, Any] = {
    "enabled": None,
    "timeout": None,
}


#: ``apidef.Introspection``
INTROSPECTION: dict[str, Any] = {
    "cache": INTROSPECTION_CACHE,
    "client_id": None,
    "client_secret": None,
    "enabled": None,
    "identity_base_field": None,
    "url": None,
}


#: ``apidef.JWTValidation``
JWT_VALIDATION: dict[str, Any] = {
    "enabled": None,
    "expires_at_validation_skew": None,
    "identity_base_field": None,
    "issued_at_validation_skew": None,
    "not_before_validation_skew": None,
    "signing_method": None,
    "source": None,
}


#: ``apidef.Provider``
PROVIDER: dict[str, Any] = {
    "introspection": INTROSPECTION,
    "jwt": JWT_VALIDATION,
}


#: ``apidef.ExternalOAuth``
EXTERNAL_OAUTH: dict[str, Any] = {
    "enabled": None,
    "providers": ListOf(PROVIDER),
}


#: ``apidef.GlobalRateLimit``
GLOBAL_RATE_LIMIT: dict[str, Any] = {
    "disabled": None,
    "per": None,
    "rate": None,
}


#: ``apidef.GraphQLTypeFields``
GRAPHQL_TYPE_FIELDS: dict[str, Any] = {
    "fields": ListOf(None),
    "type": None,
}


#: ``apidef.GraphQLEngineDataSource``
GRAPHQL_ENGINE_DATA_SOURCE: dict[str, Any] = {
    "config": None,
    "internal": None,
    "kind": None,
    "name": None,
    "root_fields": ListOf(GRAPHQL_TYPE_FIELDS),
}


#: ``apidef.GraphQLFieldConfig``
GRAPHQL_FIELD_CONFIG: dict[str, Any] = {
    "disable_default_mapping": None,
    "field_name": None,
    "path": ListOf(None),
    "type_name": None,
}


#: ``apidef.UDGGlobalHeader``
UDG_GLOBAL_HEADER: dict[str, Any] = {
    "key": None,
    "value": None,
}


#: ``apidef.GraphQLEngineConfig``
GRAPHQL_ENGINE_CONFIG: dict[str, Any] = {
    "data_sources": ListOf(GRAPHQL_ENGINE_DATA_SOURCE),
    "field_configs": ListOf(GRAPHQL_FIELD_CONFIG),
    "global_headers": ListOf(UDG_GLOBAL_HEADER),
}


#: ``apidef.GraphQLIntrospectionConfig``
GRAPHQL_INTROSPECTION_CONFIG: dict[str, Any] = {
    "disabled": None,
}


#: ``apidef.GraphQLPlayground``
GRAPHQL_PLAYGROUND: dict[str, Any] = {
    "enabled": None,
    "path": None,
}


#: ``apidef.GraphQLProxyFeaturesConfig``
GRAPHQL_PROXY_FEATURES_CONFIG: dict[str, Any] = {
    "use_immutable_headers": None,
}


#: ``apidef.GraphQLResponseExtensions``
GRAPHQL_RESPONSE_EXTENSIONS: dict[str, Any] = {
    "on_error_forwarding": None,
}


#: ``apidef.RequestHeadersRewriteConfig``
REQUEST_HEADERS_REWRITE_CONFIG: dict[str, Any] = {
    "remove": None,
    "value": None,
}


#: ``apidef.GraphQLProxyConfig``
GRAPHQL_PROXY_CONFIG: dict[str, Any] = {
    "auth_headers": MapOf(None),
    "features": GRAPHQL_PROXY_FEATURES_CONFIG,
    "request_headers": MapOf(None),
    "request_headers_rewrite": MapOf(REQUEST_HEADERS_REWRITE_CONFIG),
    "sse_use_post": None,
    "subscription_type": None,
    "use_response_extensions": GRAPHQL_RESPONSE_EXTENSIONS,
}


#: ``apidef.GraphQLSubgraphConfig``
GRAPHQL_SUBGRAPH_CONFIG: dict[str, Any] = {
    "sdl": None,
}


#: ``apidef.GraphQLSubgraphEntity``
GRAPHQL_SUBGRAPH_ENTITY: dict[str, Any] = {
    "api_id": None,
    "headers": MapOf(None),
    "name": None,
    "sdl": None,
    "sse_use_post": None,
    "subscription_type": None,
    "url": None,
}


#: ``apidef.GraphQLSupergraphConfig``
GRAPHQL_SUPERGRAPH_CONFIG: dict[str, Any] = {
    "disable_query_batching": None,
    "global_headers": MapOf(None),
    "merged_sdl": None,
    "subgraphs": ListOf(GRAPHQL_SUBGRAPH_ENTITY),
    "updated_at": None,
}


#: ``apidef.GraphQLConfig``
GRAPHQL_CONFIG: dict[str, Any] = {
    "enabled": None,
    "engine": GRAPHQL_ENGINE_CONFIG,
    "execution_mode": None,
    "introspection": GRAPHQL_INTROSPECTION_CONFIG,
    "last_schema_update": None,
    "playground": GRAPHQL_PLAYGROUND,
    "proxy": GRAPHQL_PROXY_CONFIG,
    "schema": None,
    "subgraph": GRAPHQL_SUBGRAPH_CONFIG,
    "supergraph": GRAPHQL_SUPERGRAPH_CONFIG,
    "type_field_configurations": ListOf(None),
    "version": None,
}


#: ``apidef.JWK``
JWK: dict[str, Any] = {
    "cache_timeout": None,
    "url": None,
}


#: ``apidef.MiddlewareDefinition``
MIDDLEWARE_DEFINITION: dict[str, Any] = {
    "code": None,
    "disabled": None,
    "name": None,
    "path": None,
    "raw_body_only": None,
    "require_session": None,
}


#: ``apidef.MiddlewareIdExtractor``
MIDDLEWARE_ID_EXTRACTOR: dict[str, Any] = {
    "disabled": None,
    "extract_from": None,
    "extract_with": None,
    "extractor_config": MapOf(None),
}


#: ``apidef.MiddlewareSection``
MIDDLEWARE_SECTION: dict[str, Any] = {
    "auth_check": MIDDLEWARE_DEFINITION,
    "driver": None,
    "id_extractor": MIDDLEWARE_ID_EXTRACTOR,
    "post": ListOf(MIDDLEWARE_DEFINITION),
    "post_key_auth": ListOf(MIDDLEWARE_DEFINITION),
    "pre": ListOf(MIDDLEWARE_DEFINITION),
    "response": ListOf(MIDDLEWARE_DEFINITION),
    "traffic_logs": MIDDLEWARE_DEFINITION,
}


#: ``apidef.NotificationsManager``
NOTIFICATIONS_MANAGER: dict[str, Any] = {
    "oauth_on_keychange_url": None,
    "shared_secret": None,
}


#: ``apidef.OIDProviderConfig``
OID_PROVIDER_CONFIG: dict[str, Any] = {
    "client_ids": MapOf(None),
    "issuer": None,
}


#: ``apidef.OpenIDOptions``
OPEN_ID_OPTIONS: dict[str, Any] = {
    "providers": ListOf(OID_PROVIDER_CONFIG),
    "segregate_by_client": None,
}


#: ``apidef.ServiceDiscoveryConfiguration``
SERVICE_DISCOVERY_CONFIGURATION: dict[str, Any] = {
    "cache_disabled": None,
    "cache_timeout": None,
    "data_path": None,
    "endpoint_returns_list": None,
    "parent_data_path": None,
    "port_data_path": None,
    "query_endpoint": None,
    "target_path": None,
    "use_discovery_service": None,
    "use_nested_query": None,
    "use_target_list": None,
}


#: ``apidef.ProxyConfig``
PROXY_CONFIG: dict[str, Any] = {
    "check_host_against_uptime_tests": None,
    "disable_strip_slash": None,
    "enable_load_balancing": None,
    "listen_path": None,
    "preserve_host_header": None,
    "service_discovery": SERVICE_DISCOVERY_CONFIGURATION,
    "strip_listen_path": None,
    "target_list": ListOf(None),
    "target_url": None,
    "transport": {
        "proxy_url": None,
        "ssl_ciphers": ListOf(None),
        "ssl_force_common_name_check": None,
        "ssl_insecure_skip_verify": None,
        "ssl_max_version": None,
        "ssl_min_version": None,
    },
}


#: ``apidef.RequestSigningMeta``
REQUEST_SIGNING_META: dict[str, Any] = {
    "algorithm": None,
    "certificate_id": None,
    "header_list": ListOf(None),
    "is_enabled": None,
    "key_id": None,
    "secret": None,
    "signature_header": None,
}


#: ``apidef.ResponseProcessor``
RESPONSE_PROCESSOR: dict[str, Any] = {
    "name": None,
    "options": None,
}


#: ``apidef.ScopeClaim``
SCOPE_CLAIM: dict[str, Any] = {
    "scope_claim_name": None,
    "scope_to_policy": MapOf(None),
}


#: ``apidef.Scopes``
SCOPES: dict[str, Any] = {
    "jwt": SCOPE_CLAIM,
    "oidc": SCOPE_CLAIM,
}


#: ``apidef.SessionProviderMeta``
SESSION_PROVIDER_META: dict[str, Any] = {
    "meta": MapOf(None),
    "name": None,
    "storage_engine": None,
}


#: ``apidef.AuthSource``
AUTH_SOURCE: dict[str, Any] = {
    "enabled": None,
    "name": None,
}


#: ``apidef.UpstreamBasicAuth``
UPSTREAM_BASIC_AUTH: dict[str, Any] = {
    "enabled": None,
    "header": AUTH_SOURCE,
    "password": None,
    "username": None,
}


#: ``apidef.ClientCredentials``
CLIENT_CREDENTIALS: dict[str, Any] = {
    "client_id": None,
    "client_secret": None,
    "extra_metadata": ListOf(None),
    "header": AUTH_SOURCE,
    "method": None,
    "scopes": ListOf(None),
    "token_url": None,
}


#: ``apidef.PasswordAuthentication``
PASSWORD_AUTHENTICATION: dict[str, Any] = {
    "client_id": None,
    "client_secret": None,
    "extra_metadata": ListOf(None),
    "header": AUTH_SOURCE,
    "method": None,
    "password": None,
    "scopes": ListOf(None),
    "token_url": None,
    "username": None,
}


#: ``apidef.UpstreamOAuth``
UPSTREAM_OAUTH: dict[str, Any] = {
    "allowed_authorize_types": ListOf(None),
    "client_credentials": CLIENT_CREDENTIALS,
    "enabled": None,
    "password": PASSWORD_AUTHENTICATION,
}


#: ``apidef.UpstreamAuth``
UPSTREAM_AUTH: dict[str, Any] = {
    "basic_auth": UPSTREAM_BASIC_AUTH,
    "enabled": None,
    "oauth": UPSTREAM_OAUTH,
}


#: ``apidef.CheckCommand``
CHECK_COMMAND: dict[str, Any] = {
    "message": None,
    "name": None,
}


#: ``apidef.HostCheckObject``
HOST_CHECK_OBJECT: dict[str, Any] = {
    "body": None,
    "commands": ListOf(CHECK_COMMAND),
    "enable_proxy_protocol": None,
    "headers": MapOf(None),
    "method": None,
    "protocol": None,
    "timeout": None,
    "url": None,
}


#: ``apidef.UptimeTestsConfig``
UPTIME_TESTS_CONFIG: dict[str, Any] = {
    "expire_utime_after": None,
    "recheck_wait": None,
    "service_discovery": SERVICE_DISCOVERY_CONFIGURATION,
}


#: ``apidef.UptimeTests``
UPTIME_TESTS: dict[str, Any] = {
    "check_list": ListOf(HOST_CHECK_OBJECT),
    "config": UPTIME_TESTS_CONFIG,
    "disabled": None,
}


#: ``apidef.CacheMeta``
CACHE_META: dict[str, Any] = {
    "cache_key_regex": None,
    "cache_response_codes": ListOf(None),
    "disabled": None,
    "method": None,
    "path": None,
    "timeout": None,
}


#: ``apidef.CircuitBreakerMeta``
CIRCUIT_BREAKER_META: dict[str, Any] = {
    "disable_half_open_state": None,
    "disabled": None,
    "method": None,
    "path": None,
    "return_to_service_after": None,
    "samples": None,
    "threshold_percent": None,
}


#: ``apidef.EndpointMethodMeta``
ENDPOINT_METHOD_META: dict[str, Any] = {
    "action": None,
    "code": None,
    "data": None,
    "headers": MapOf(None),
}


#: ``apidef.EndPointMeta``
END_POINT_META: dict[str, Any] = {
    "disabled": None,
    "ignore_case": None,
    "method": None,
    "method_actions": MapOf(ENDPOINT_METHOD_META),
    "path": None,
}


#: ``apidef.GoPluginMeta``
GO_PLUGIN_META: dict[str, Any] = {
    "disabled": None,
    "func_name": None,
    "method": None,
    "path": None,
    "plugin_path": None,
}


#: ``apidef.HardTimeoutMeta``
HARD_TIMEOUT_META: dict[str, Any] = {
    "disabled": None,
    "duration": None,
    "method": None,
    "path": None,
    "timeout": None,
}


#: ``apidef.HeaderInjectionMeta``
HEADER_INJECTION_META: dict[str, Any] = {
    "act_on": None,
    "add_headers": MapOf(None),
    "delete_headers": ListOf(None),
    "disabled": None,
    "method": None,
    "path": None,
}


#: ``apidef.InternalMeta``
INTERNAL_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
}


#: ``apidef.MethodTransformMeta``
METHOD_TRANSFORM_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
    "to_method": None,
}


#: ``apidef.MockResponseMeta``
MOCK_RESPONSE_META: dict[str, Any] = {
    "body": None,
    "code": None,
    "disabled": None,
    "headers": MapOf(None),
    "ignore_case": None,
    "method": None,
    "path": None,
}


#: ``apidef.PersistGraphQLMeta``
PERSIST_GRAPHQL_META: dict[str, Any] = {
    "method": None,
    "operation": None,
    "path": None,
    "variables": MapOf(None),
}


#: ``apidef.RateLimitMeta``
RATE_LIMIT_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
    "per": None,
    "rate": None,
}


#: ``apidef.RequestSizeMeta``
REQUEST_SIZE_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
    "size_limit": None,
}


#: ``apidef.TemplateData``
TEMPLATE_DATA: dict[str, Any] = {
    "enable_session": None,
    "input_type": None,
    "template_mode": None,
    "template_source": None,
}


#: ``apidef.TemplateMeta``
TEMPLATE_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
    "template_data": TEMPLATE_DATA,
}


#: ``apidef.TrackEndpointMeta``
TRACK_ENDPOINT_META: dict[str, Any] = {
    "disabled": None,
    "method": None,
    "path": None,
}


#: ``apidef.TransformJQMeta``
TRANSFORM_JQ_META: dict[str, Any] = {
    "filter": None,
    "method": None,
    "path": None,
}


#: ``apidef.StringRegexMap``
STRING_REGEX_MAP: dict[str, Any] = {
    "match_rx": None,
    "reverse": None,
}


#: ``apidef.RoutingTriggerOptions``
ROUTING_TRIGGER_OPTIONS: dict[str, Any] = {
    "header_matches": MapOf(STRING_REGEX_MAP),
    "path_part_matches": MapOf(STRING_REGEX_MAP),
    "payload_matches": STRING_REGEX_MAP,
    "query_val_matches": MapOf(STRING_REGEX_MAP),
    "request_context_matches": MapOf(STRING_REGEX_MAP),
    "session_meta_matches": MapOf(STRING_REGEX_MAP),
}


#: ``apidef.RoutingTrigger``
ROUTING_TRIGGER: dict[str, Any] = {
    "on": None,
    "options": ROUTING_TRIGGER_OPTIONS,
    "rewrite_to": None,
}


#: ``apidef.URLRewriteMeta``
URL_REWRITE_META: dict[str, Any] = {
    "disabled": None,
    "match_pattern": None,
    "method": None,
    "path": None,
    "rewrite_to": None,
    "triggers": ListOf(ROUTING_TRIGGER),
}


#: ``apidef.ValidatePathMeta``
VALIDATE_PATH_META: dict[str, Any] = {
    "disabled": None,
    "error_response_code": None,
    "method": None,
    "path": None,
    "schema": MapOf(None),
    "schema_b64": None,
}


#: ``apidef.ValidateRequestMeta``
VALIDATE_REQUEST_META: dict[str, Any] = {
    "enabled": None,
    "error_response_code": None,
    "method": None,
    "path": None,
}


#: ``apidef.VirtualMeta``
VIRTUAL_META: dict[str, Any] = {
    "disabled": None,
    "function_source_type": None,
    "function_source_uri": None,
    "method": None,
    "path": None,
    "proxy_on_error": None,
    "response_function_name": None,
    "use_session": None,
}


#: ``apidef.ExtendedPathsSet``
EXTENDED_PATHS_SET: dict[str, Any] = {
    "advance_cache_config": ListOf(CACHE_META),
    "black_list": ListOf(END_POINT_META),
    "cache": ListOf(None),
    "circuit_breakers": ListOf(CIRCUIT_BREAKER_META),
    "do_not_track_endpoints": ListOf(TRACK_ENDPOINT_META),
    "go_plugin": ListOf(GO_PLUGIN_META),
    "hard_timeouts": ListOf(HARD_TIMEOUT_META),
    "ignored": ListOf(END_POINT_META),
    "internal": ListOf(INTERNAL_META),
    "method_transforms": ListOf(METHOD_TRANSFORM_META),
    "mock_response": ListOf(MOCK_RESPONSE_META),
    "persist_graphql": ListOf(PERSIST_GRAPHQL_META),
    "rate_limit": ListOf(RATE_LIMIT_META),
    "size_limits": ListOf(REQUEST_SIZE_META),
    "track_endpoints": ListOf(TRACK_ENDPOINT_META),
    "transform": ListOf(TEMPLATE_META),
    "transform_headers": ListOf(HEADER_INJECTION_META),
    "transform_jq": ListOf(TRANSFORM_JQ_META),
    "transform_jq_response": ListOf(TRANSFORM_JQ_META),
    "transform_response": ListOf(TEMPLATE_META),
    "transform_response_headers": ListOf(HEADER_INJECTION_META),
    "url_rewrites": ListOf(URL_REWRITE_META),
    "validate_json": ListOf(VALIDATE_PATH_META),
    "validate_request": ListOf(VALIDATE_REQUEST_META),
    "virtual": ListOf(VIRTUAL_META),
    "white_list": ListOf(END_POINT_META),
}


#: ``apidef.VersionInfo``
VERSION_INFO: dict[str, Any] = {
    "expires": None,
    "extended_paths": EXTENDED_PATHS_SET,
    "global_enforce_timeout": None,
    "global_enforce_timeout_disabled": None,
    "global_headers": MapOf(None),
    "global_headers_disabled": None,
    "global_headers_remove": ListOf(None),
    "global_response_headers": MapOf(None),
    "global_response_headers_disabled": None,
    "global_response_headers_remove": ListOf(None),
    "global_size_limit": None,
    "global_size_limit_disabled": None,
    "ignore_endpoint_case": None,
    "name": None,
    "override_target": None,
    "paths": {
        "black_list": ListOf(None),
        "ignored": ListOf(None),
        "white_list": ListOf(None),
    },
    "use_extended_paths": None,
}


#: ``apidef.VersionData``
VERSION_DATA: dict[str, Any] = {
    "default_version": None,
    "not_versioned": None,
    "versions": MapOf(VERSION_INFO),
}


#: ``apidef.VersionDefinition``
VERSION_DEFINITION: dict[str, Any] = {
    "default": None,
    "enabled": None,
    "fallback_to_default": None,
    "key": None,
    "location": None,
    "name": None,
    "strip_path": None,
    "strip_versioning_data": None,
    "url_versioning_pattern": None,
    "versions": MapOf(None),
}


#: ``apidef.ClientAuthData``
CLIENT_AUTH_DATA: dict[str, Any] = {
    "client_id": None,
    "client_secret": None,
    "method": None,
}


#: ``apidef.RateLimitSmoothing``
RATE_LIMIT_SMOOTHING: dict[str, Any] = {
    "delay": None,
    "enabled": None,
    "step": None,
    "threshold": None,
    "trigger": None,
}


#: ``user.APILimit``
POLICY_API_LIMIT: dict[str, Any] = {
    "max_query_depth": None,
    "per": None,
    "quota_max": None,
    "quota_remaining": None,
    "quota_renewal_rate": None,
    "quota_renews": None,
    "rate": None,
    "smoothing": RATE_LIMIT_SMOOTHING,
    "throttle_interval": None,
    "throttle_retry_limit": None,
}


#: ``user.AccessControlRules``
POLICY_ACCESS_CONTROL_RULES: dict[str, Any] = {
    "allowed": ListOf(None),
    "blocked": ListOf(None),
}


#: ``user.AccessSpec``
POLICY_ACCESS_SPEC: dict[str, Any] = {
    "methods": ListOf(None),
    "url": None,
}


#: ``user.RateLimit``
POLICY_RATE_LIMIT: dict[str, Any] = {
    "per": None,
    "rate": None,
    "smoothing": RATE_LIMIT_SMOOTHING,
}


#: ``user.EndpointMethod``
POLICY_ENDPOINT_METHOD: dict[str, Any] = {
    "limit": POLICY_RATE_LIMIT,
    "name": None,
}


#: ``user.Endpoint``
POLICY_ENDPOINT: dict[str, Any] = {
    "methods": ListOf(POLICY_ENDPOINT_METHOD),
    "path": None,
}


#: ``user.FieldLimits``
POLICY_FIELD_LIMITS: dict[str, Any] = {
    "max_query_depth": None,
}


#: ``user.FieldAccessDefinition``
POLICY_FIELD_ACCESS_DEFINITION: dict[str, Any] = {
    "field_name": None,
    "limits": POLICY_FIELD_LIMITS,
    "type_name": None,
}


#: ``user.JSONRPCMethodLimit``
POLICY_JSONRPC_METHOD_LIMIT: dict[str, Any] = {
    "limit": POLICY_RATE_LIMIT,
    "name": None,
}


#: ``user.MCPAccessRights``
POLICY_MCP_ACCESS_RIGHTS: dict[str, Any] = {
    "prompts": POLICY_ACCESS_CONTROL_RULES,
    "resources": POLICY_ACCESS_CONTROL_RULES,
    "tools": POLICY_ACCESS_CONTROL_RULES,
}


#: ``user.MCPPrimitiveLimit``
POLICY_MCP_PRIMITIVE_LIMIT: dict[str, Any] = {
    "limit": POLICY_RATE_LIMIT,
    "name": None,
    "type": None,
}


#: ``user.AccessDefinition``
POLICY_ACCESS_DEFINITION: dict[str, Any] = {
    "allowance_scope": None,
    "allowed_types": ListOf(None),
    "allowed_urls": ListOf(POLICY_ACCESS_SPEC),
    "api_id": None,
    "api_name": None,
    "disable_introspection": None,
    "endpoints": ListOf(POLICY_ENDPOINT),
    "field_access_rights": ListOf(POLICY_FIELD_ACCESS_DEFINITION),
    "json_rpc_methods": ListOf(POLICY_JSONRPC_METHOD_LIMIT),
    "json_rpc_methods_access_rights": POLICY_ACCESS_CONTROL_RULES,
    "limit": POLICY_API_LIMIT,
    "mcp_access_rights": POLICY_MCP_ACCESS_RIGHTS,
    "mcp_primitives": ListOf(POLICY_MCP_PRIMITIVE_LIMIT),
    "restricted_types": ListOf(None),
    "versions": ListOf(None),
}


#: ``user.GraphAccessDefinition``
POLICY_GRAPH_ACCESS_DEFINITION: dict[str, Any] = {}


#: ``user.PolicyPartitions``
POLICY_PARTITIONS: dict[str, Any] = {
    "acl": None,
    "complexity": None,
    "per_api": None,
    "quota": None,
    "rate_limit": None,
}


#: ``apidef.APIDefinition``: one classic API definition (an app_path file, POST /tyk/apis).
API_DEFINITION: dict[str, Any] = {
    "CORS": CORS_CONFIG,
    "active": None,
    "allowed_ips": ListOf(None),
    "analytics_plugin": ANALYTICS_PLUGIN_CONFIG,
    "api_id": None,
    "application_protocol": None,
    "auth": AUTH_CONFIG,
    "auth_configs": MapOf(AUTH_CONFIG),
    "auth_provider": AUTH_PROVIDER_META,
    "base_identity_provided_by": None,
    "basic_auth": {
        "body_password_regexp": None,
        "body_user_regexp": None,
        "cache_ttl": None,
        "disable_caching": None,
        "extract_from_body": None,
    },
    "blacklisted_ips": ListOf(None),
    "cache_options": CACHE_OPTIONS,
    "certificate_pinning_disabled": None,
    "certificates": ListOf(None),
    "client_certificates": ListOf(None),
    "config_data": MapOf(None),
    "config_data_disabled": None,
    "custom_middleware": MIDDLEWARE_SECTION,
    "custom_middleware_bundle": None,
    "custom_middleware_bundle_disabled": None,
    "custom_plugin_auth_enabled": None,
    "definition": VERSION_DEFINITION,
    "detailed_tracing": None,
    "disable_quota": None,
    "disable_rate_limit": None,
    "do_not_track": None,
    "domain": None,
    "domain_disabled": None,
    "dont_set_quota_on_create": None,
    "enable_batch_request_support": None,
    "enable_context_vars": None,
    "enable_coprocess_auth": None,
    "enable_detailed_recording": None,
    "enable_ip_blacklisting": None,
    "enable_ip_whitelisting": None,
    "enable_jwt": None,
    "enable_proxy_protocol": None,
    "enable_signature_checking": None,
    "error_overrides": MapOf(ListOf(ERROR_OVERRIDE)),
    "error_overrides_disabled": None,
    "event_handlers": EVENT_HANDLER_META_CONFIG,
    "expiration": None,
    "expire_analytics_after": None,
    "external_oauth": EXTERNAL_OAUTH,
    "global_rate_limit": GLOBAL_RATE_LIMIT,
    "graphql": GRAPHQL_CONFIG,
    "hmac_allowed_algorithms": ListOf(None),
    "hmac_allowed_clock_skew": None,
    "id": None,
    "idp_client_id_mapping_disabled": None,
    "internal": None,
    "ip_access_control_disabled": None,
    "is_oas": None,
    "json_rpc_version": None,
    "jwt_client_base_field": None,
    "jwt_default_policies": ListOf(None),
    "jwt_expires_at_validation_skew": None,
    "jwt_identity_base_field": None,
    "jwt_issued_at_validation_skew": None,
    "jwt_jwks_uris": ListOf(JWK),
    "jwt_not_before_validation_skew": None,
    "jwt_policy_field_name": None,
    "jwt_scope_claim_name": None,
    "jwt_scope_to_policy_mapping": MapOf(None),
    "jwt_signing_method": None,
    "jwt_skip_kid": None,
    "jwt_source": None,
    "listen_port": None,
    "name": None,
    "notifications": NOTIFICATIONS_MANAGER,
    "oauth_meta": {
        "allowed_access_types": ListOf(None),
        "allowed_authorize_types": ListOf(None),
        "auth_login_redirect": None,
    },
    "openid_options": OPEN_ID_OPTIONS,
    "org_id": None,
    "pinned_public_keys": MapOf(None),
    "protocol": None,
    "proxy": PROXY_CONFIG,
    "request_signing": REQUEST_SIGNING_META,
    "response_processors": ListOf(RESPONSE_PROCESSOR),
    "scopes": SCOPES,
    "security_requirement_scopes": ListOf(MapOf(ListOf(None))),
    "security_requirements": ListOf(ListOf(None)),
    "session_lifetime": None,
    "session_lifetime_respects_key_expiration": None,
    "session_provider": SESSION_PROVIDER_META,
    "slug": None,
    "strip_auth_data": None,
    "tag_headers": ListOf(None),
    "tags": ListOf(None),
    "tags_disabled": None,
    "upstream_auth": UPSTREAM_AUTH,
    "upstream_certificates": MapOf(None),
    "upstream_certificates_disabled": None,
    "uptime_tests": UPTIME_TESTS,
    "use_basic_auth": None,
    "use_go_plugin_auth": None,
    "use_keyless": None,
    "use_mutual_tls_auth": None,
    "use_oauth2": None,
    "use_openid": None,
    "use_standard_auth": None,
    "version_data": VERSION_DATA,
}


#: ``user.Policy``: one security policy (a value of the policies file, POST /tyk/policies).
POLICY: dict[str, Any] = {
    "_id": None,
    "access_rights": MapOf(POLICY_ACCESS_DEFINITION),
    "active": None,
    "enable_http_signature_validation": None,
    "graphql_access_rights": MapOf(POLICY_GRAPH_ACCESS_DEFINITION),
    "hmac_enabled": None,
    "id": None,
    "is_inactive": None,
    "key_expires_in": None,
    "last_updated": None,
    "max_query_depth": None,
    "meta_data": MapOf(None),
    "name": None,
    "org_id": None,
    "partitions": POLICY_PARTITIONS,
    "per": None,
    "post_expiry_action": None,
    "post_expiry_grace_period": None,
    "quota_max": None,
    "quota_renewal_rate": None,
    "rate": None,
    "smoothing": RATE_LIMIT_SMOOTHING,
    "tags": ListOf(None),
    "throttle_interval": None,
    "throttle_retry_limit": None,
}
