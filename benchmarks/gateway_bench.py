"""Gateway benchmark (a script, not a test): prints, from one run,

* JWT verdicts per second in-process (``Gateway.check``) and over loopback HTTP;
* p50/p99 latency through the gateway vs calling the upstream directly, and the
  latency the gateway adds;
* the cost of one gateway verdict relative to one bare jwcrypto signature verification.

Setup as in shared/reference/tyk.md "Performance anchor": one RS256 JWT API (JWKS URL
source, identity ``sub``, a default policy without rate limit or quota), a fast local
upstream, 8 rotating valid tokens. Usage::

    .venv/bin/python benchmarks/gateway_bench.py [--seconds 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import time
from pathlib import Path

import json
import multiprocessing
import socket

import httpx
import uvicorn
from jwcrypto import jws
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.gateway import Gateway, create_echo_app  # noqa: E402
from harness.jose import generate_rsa, public_jwks, sign  # noqa: E402
from harness.serving import free_port  # noqa: E402

API_ID = "bench-api"
POLICY_ID = "bench-policy"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build_gateway(jwks_url: str, upstream_url: str) -> Gateway:
    gw = Gateway(tyk_conf={"secret": "bench"})
    gw.load_api({
        "name": "Bench API", "api_id": API_ID, "org_id": "org", "active": True, "enable_jwt": True,
        "jwt_signing_method": "rsa", "jwt_source": base64.b64encode(jwks_url.encode()).decode(),
        "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol", "jwt_default_policies": [POLICY_ID],
        "proxy": {"listen_path": "/bench/", "target_url": upstream_url, "strip_listen_path": True},
        "version_data": {"not_versioned": True},
    })
    gw.load_policies({POLICY_ID: {"org_id": "org", "rate": 0, "per": 0, "quota_max": -1,
                                  "access_rights": {API_ID: {"api_id": API_ID, "versions": ["Default"]}}}})
    return gw


def in_process(gw: Gateway, tokens: list[str], seconds: float) -> tuple[float, float]:
    headers = [{"Authorization": "Bearer " + t} for t in tokens]
    gw.check("/bench/x", headers=headers[0])  # warm the JWKS cache
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        d = gw.check("/bench/x", headers=headers[n % len(headers)])
        if not d.allowed:
            raise SystemExit(f"unexpected refusal: {d.summary()}")
        n += 1
    elapsed = time.perf_counter() - start
    gw.decisions.clear()
    return n / elapsed, elapsed / n


def bare_jwcrypto(tokens: list[str], key: object, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        obj = jws.JWS()
        obj.deserialize(tokens[n % len(tokens)])
        obj.verify(key)  # type: ignore[arg-type]
        n += 1
    return (time.perf_counter() - start) / n


async def load(url: str, headers_list: list[dict[str, str]], seconds: float, concurrency: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def worker(i: int) -> None:
            nonlocal errors
            j = i
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await client.get(url, headers=headers_list[j % len(headers_list)])
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1
                j += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies, errors


def _serve(kind: str, port: int, arg: str, arg2: str = "") -> None:
    """Child process: serve one app with uvicorn (servers get their own GIL)."""
    if kind == "jwks":
        doc = json.loads(arg)

        async def jwks_endpoint(request: object) -> JSONResponse:
            return JSONResponse(doc)

        app: object = Starlette(routes=[Route("/jwks", jwks_endpoint)])
    elif kind == "upstream":
        app = create_echo_app()
    else:
        app = build_gateway(arg, arg2).app
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # see harness/serving.py
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")  # type: ignore[arg-type]
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


def _start(kind: str, *args: str) -> tuple[multiprocessing.Process, str]:
    port = free_port()
    proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(kind, port, *args), daemon=True)
    proc.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # readiness: poll until the port answers
        try:
            httpx.get(url + "/", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{kind} server did not start on {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    key = generate_rsa(kid="bench")
    now = int(time.time())
    tokens = [sign({"sub": f"user-{i}", "iat": now, "exp": now + 3600}, key) for i in range(8)]
    headers = [{"Authorization": "Bearer " + t} for t in tokens]
    procs = []
    try:
        idp_proc, idp_url = _start("jwks", json.dumps(public_jwks([key])))
        up_proc, up_url = _start("upstream", "")
        procs += [idp_proc, up_proc]
        gw = build_gateway(idp_url + "/jwks", up_url)
        verdicts_per_s, verdict_s = in_process(gw, tokens, args.seconds)
        bare_s = bare_jwcrypto(tokens, key, args.seconds)
        gw_proc, gw_url = _start("gateway", idp_url + "/jwks", up_url)
        procs.append(gw_proc)
        gw_rps, gw_lat, gw_err = asyncio.run(load(gw_url + "/bench/x", headers, args.seconds, args.concurrency))
        up_rps, up_lat, up_err = asyncio.run(load(up_url + "/x", headers, args.seconds, args.concurrency))
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(timeout=5)

    ms = 1000.0
    print(f"gateway benchmark ({args.seconds:g} s per measurement, {args.concurrency} concurrent HTTP clients, 8 tokens)")
    print(f"  in-process JWT verdicts/s          : {verdicts_per_s:10.0f}   ({verdict_s * 1e6:.1f} µs per verdict)")
    print(f"  bare jwcrypto RS256 verify         : {1 / bare_s:10.0f}/s ({bare_s * 1e6:.1f} µs)")
    print(f"  verdict / bare verification ratio  : {verdict_s / bare_s:10.2f}")
    print(f"  loopback HTTP via gateway req/s    : {gw_rps:10.0f}   errors={gw_err}")
    print(f"  loopback HTTP upstream direct req/s: {up_rps:10.0f}   errors={up_err}")
    gp50, gp99 = percentile(gw_lat, 50), percentile(gw_lat, 99)
    up50, up99 = percentile(up_lat, 50), percentile(up_lat, 99)
    print(f"  latency via gateway   p50/p99 (ms) : {gp50 * ms:8.2f} / {gp99 * ms:8.2f}")
    print(f"  latency upstream only p50/p99 (ms) : {up50 * ms:8.2f} / {up99 * ms:8.2f}")
    print(f"  added by gateway      p50/p99 (ms) : {(gp50 - up50) * ms:8.2f} / {(gp99 - up99) * ms:8.2f}")
    print(f"  mean latency via gateway (ms)      : {statistics.fmean(gw_lat) * ms:8.2f}")
    print("  (the load generator is Python/httpx in one process: HTTP figures are bounded by it too)")


if __name__ == "__main__":
    main()
