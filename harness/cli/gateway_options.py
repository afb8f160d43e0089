"""The gateway options every command that runs a world takes (``run``, ``serve``,
``check --plan guide``): ``--gateway``, ``--gateway-secret``, ``--tyk-bin``.

The kinds, their help and what a URL means come from the launcher registry
(:mod:`harness.launchers.registry`, role ``gateway``); this module only adds the flags.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from harness.launchers.registry import DEFAULT_GATEWAY, help_text, resolve


def add_gateway_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gateway", default=DEFAULT_GATEWAY, metavar="KIND|URL",
                   help="gateway launcher: " + help_text("gateway", default=DEFAULT_GATEWAY))
    p.add_argument("--gateway-secret", default=None, metavar="S",
                   help="with --gateway URL: the gateway's tyk.conf secret (default: $DCR_GATEWAY_SECRET, which keeps "
                        "it out of the process list)")
    p.add_argument("--tyk-bin", default=None, metavar="PATH",
                   help="with --gateway tyk-oss: the Tyk gateway binary (default: $DCR_HARNESS_TYK_BIN, else `tyk` on "
                        "PATH, else ~/.cache/dcr-harness/tyk/<commit>/tyk)")


def gateway_choice(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """``(kind or URL, options given)`` from the flags (absent ones: the defaults, for
    callers that build the namespace themselves); ConfigError (exit 2) for a value that is
    neither a gateway kind nor a URL. The secret joins the run's redactor."""
    gateway = getattr(args, "gateway", None) or DEFAULT_GATEWAY
    resolve(gateway, role="gateway", option="--gateway")
    secret = getattr(args, "gateway_secret", None)
    redactor = getattr(args, "redactor", None)
    if redactor is not None:
        redactor.add(secret, os.environ.get("DCR_GATEWAY_SECRET"))
    return gateway, {"secret": secret, "tyk_bin": getattr(args, "tyk_bin", None)}
