"""Notebook helpers: readable views of exchanges, tokens, steps and gateway decisions
(:mod:`harness.notebook.display`) and a JWT lab around the harness gateway
(:mod:`harness.notebook.lab`). The step-by-step guide API is :mod:`harness.notebook.guide`."""

from harness.notebook.display import (
    View,
    decision_view,
    exchange_view,
    exchanges_view,
    json_view,
    jwks_view,
    jwt_view,
    run_summary,
    sequence_view,
    show,
    step_card,
    table_view,
    token_view,
    view_of,
)

__all__ = [
    "View", "show", "exchange_view", "exchanges_view", "jwt_view", "token_view", "decision_view", "jwks_view",
    "step_card", "run_summary", "json_view", "sequence_view", "view_of",
    "table_view",
]
