"""Tyk-compatible gateway: JWT middleware (RFC 7519 §7.2, RFC 8725) with Tyk's exact
decision order, status codes and messages, sessions from policies, rate limit and
quota, and a proxy to the upstream. See shared/reference/tyk.md."""

from harness.tyk.gateway.apidef import ApiDefinition, parse_apidef
from harness.tyk.gateway.decisions import Decision
from harness.tyk.gateway.files import FileConfig, load_file_config
from harness.tyk.gateway.gateway import Gateway
from harness.tyk.gateway.jwt_middleware import RequestView
from harness.tyk.gateway.policies import Policy, parse_policies
from harness.tyk.gateway.profile import GatewayProfile
from harness.tyk.gateway.upstream import create_echo_app

__all__ = [
    "Gateway", "GatewayProfile", "Decision", "RequestView", "ApiDefinition", "Policy", "FileConfig",
    "parse_apidef", "parse_policies", "load_file_config", "create_echo_app",
]
