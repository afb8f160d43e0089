"""Reading the JSON body of a successful answer from an admin API: one place for the
"not JSON" / "not a JSON array" / "not a JSON object" errors every admin client needs."""

from __future__ import annotations

from typing import Any

import requests

from harness.core.errors import HarnessError


def json_objects(resp: requests.Response, what: str, error: type[HarnessError] = HarnessError) -> list[dict[str, Any]]:
    """The JSON objects of an answer whose body is a JSON array (other items are dropped);
    ``error`` (a HarnessError subclass taking the message) when it is not one."""
    body = _json(resp, what, error)
    if not isinstance(body, list):
        raise error(f"{what}: HTTP {resp.status_code} answer is not a JSON array")
    return [item for item in body if isinstance(item, dict)]


def json_object(resp: requests.Response, what: str, error: type[HarnessError] = HarnessError) -> dict[str, Any]:
    """The body of an answer that is a JSON object; ``error`` when it is not one."""
    body = _json(resp, what, error)
    if not isinstance(body, dict):
        raise error(f"{what}: HTTP {resp.status_code} answer is not a JSON object")
    return body


def _json(resp: requests.Response, what: str, error: type[HarnessError]) -> Any:
    try:
        return resp.json()
    except ValueError:
        raise error(f"{what}: HTTP {resp.status_code} answer is not JSON") from None
