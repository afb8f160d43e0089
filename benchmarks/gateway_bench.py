"""Gateway benchmark (a script, not a test: it prints numbers and never asserts on time).

Setup as in shared/reference/tyk.md "Performance anchor (measured here)": one RS256 JWT
API (JWKS URL source served locally, identity ``sub``, a default policy without rate
limit or quota), a fast local upstream, 8 rotating valid tokens. It prints, from one run:

* JWT verdicts per second in-process (``Gateway.check``), with and without the
  verification cache, and the cost of one verdict relative to one bare jwcrypto RS256
  verification;
* the load figure: ``wrk -t2 -c32 -d10s`` with a Lua script rotating the 8 tokens in
  the ``Authorization`` header, against (a) the upstream directly and (b) the gateway,
  in the same run: req/s, p50, p99 and errors (non-2xx responses plus socket errors);
  the ratio against the anchor's Tyk figure and whether the goal (at least half of
  Tyk's req/s with no error) is met; the p50/p99 latency the gateway adds; and (c) a
  second gateway with the verification cache off (every signature verified, as Tyk
  does) for comparison (``--no-uncached`` skips it);
* without ``wrk`` on the PATH, the same figures from a Python/httpx load generator
  (much slower itself; the output says so).

Every server runs in its own process (its own GIL): the JWKS endpoint, the upstream
and the gateway (one process: sessions, rate limits and quotas live in its memory). They
are the gateway testing kit's pieces (harness.tyk.gateway.testing: its JwksServer, the echo
upstream, the gateway built from jwt_api/policy), served by uvicorn in those processes
instead of the kit's loopback threads.
The servers use httptools and uvloop when installed (``--http``/``--loop`` choose;
``harness.core.serving.BackgroundServer`` defaults to h11 and the stdlib loop).

Usage::

    .venv/bin/python benchmarks/gateway_bench.py [--seconds 3] [--wrk-seconds 10]
        [--threads 2] [--connections 32] [--upstream fast|echo] [--http auto|h11|httptools]
        [--loop auto|asyncio|uvloop] [--no-uncached] [--no-wrk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from jwcrypto import jws

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.core.serving import free_port, resolve_http, resolve_loop  # noqa: E402
from harness.jose import generate_rsa, public_jwks, sign  # noqa: E402
from harness.tyk.gateway import Gateway, create_echo_app  # noqa: E402
from harness.tyk.gateway.testing import DEFAULT_JWKS, JwksServer, b64, in_process_gateway, jwt_api, policy  # noqa: E402

API_ID = "bench-api"
POLICY_ID = "bench-policy"
#: shared/reference/tyk.md "Performance anchor": Tyk OSS on this machine kind, same load.
TYK_RPS = 3000.0
TYK_P50_MS, TYK_P99_MS = 10.0, 45.0
#: The goal: at least this share of Tyk's req/s, with no error.
GOAL_SHARE = 0.5


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build_gateway(jwks_url: str, upstream_url: str, **gateway_kwargs: Any) -> Gateway:
    """The gateway testing kit's JWT API (harness.tyk.gateway.testing.jwt_api: RS256 from a
    base64 JWKS URL, identity ``sub``) and a policy without rate limit or quota."""
    api = jwt_api(api_id=API_ID, name="Bench API", listen_path="/bench/", source=b64(jwks_url),
                  target_url=upstream_url, default_policies=[POLICY_ID])
    return in_process_gateway([api], {POLICY_ID: policy(name="Bench Policy", api_ids=[API_ID])},
                              tyk_conf={"secret": "bench"}, **gateway_kwargs)


# -- in-process figures ----------------------------------------------------------------
def in_process(gw: Gateway, tokens: list[str], seconds: float) -> tuple[float, float]:
    """Verdicts per second and seconds per verdict through ``Gateway.check``."""
    headers = [{"Authorization": "Bearer " + t} for t in tokens]
    for h in headers:  # warm the JWKS cache (and the verification cache when enabled)
        gw.check("/bench/x", headers=h)
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


# -- servers (each in its own process) --------------------------------------------------
class FastUpstream(asyncio.Protocol):
    """A minimal HTTP/1.1 keep-alive responder: every request gets the same small JSON
    answer. Stands in for the anchor's "fast local upstream" (a Python server cannot be
    as fast as a Go one, but this one costs the machine little per request)."""

    BODY = b'{"ok":true}'
    ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in self.buf[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip() or b"0")
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length:]
            self.transport.write(self.ANSWER)


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # see harness/core/serving.py
    sock.bind(("127.0.0.1", port))
    return sock


def _run(coro_factory: Any, use_uvloop: bool) -> None:
    if use_uvloop:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(coro_factory())
    else:
        asyncio.run(coro_factory())


def _serve(kind: str, port: int, opts: dict[str, Any]) -> None:
    """Child process: serve one app with uvicorn (or the raw fast upstream)."""
    sock = _listen(port)
    if kind == "fast-upstream":
        sock.listen(1024)

        async def serve_fast() -> None:
            server = await asyncio.get_running_loop().create_server(FastUpstream, sock=sock)
            await server.serve_forever()

        _run(serve_fast, opts["uvloop"])
        return
    if kind == "jwks":
        app: Any = JwksServer({DEFAULT_JWKS: json.dumps(opts["jwks"]).encode()}).app
    elif kind == "echo-upstream":
        app = create_echo_app()
    else:
        app = build_gateway(opts["jwks_url"], opts["upstream_url"], verify_cache_size=opts["verify_cache_size"]).app
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            http=opts.get("http", "auto"), backlog=1024)
    server = uvicorn.Server(config)
    _run(lambda: server.serve(sockets=[sock]), opts["uvloop"])


def _wait_ready(url: str, procs: list[multiprocessing.process.BaseProcess], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # readiness: poll until the port answers
        if not all(p.is_alive() for p in procs):
            break
        try:
            httpx.get(url + "/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"{what} server did not start on {url}")


def _start(kind: str, opts: dict[str, Any], procs: list[Any]) -> str:
    port = free_port()
    proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(kind, port, opts), daemon=True)
    proc.start()
    procs.append(proc)
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url, [proc], kind)
    return url


# -- load generators --------------------------------------------------------------------
@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


WRK_SCRIPT = r"""
-- Rotates the Authorization header over the tokens (one per line in TOKENS_FILE).
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do tokens[#tokens + 1] = line end
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests_ = {}
  for i, t in ipairs(tokens) do
    requests_[i] = wrk.format("GET", wrk.path, {["Authorization"] = "Bearer " .. t})
  end
  i_ = offset or 0
  non2xx = 0
end

function request()
  i_ = i_ % #requests_ + 1
  return requests_[i_]
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad,
    e.connect, e.read, e.write, e.timeout))
end
"""


def run_wrk(url: str, tokens_file: str, script: str, threads: int, connections: int, seconds: float) -> LoadResult:
    env = dict(os.environ, BENCH_TOKENS_FILE=tokens_file)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "-s", script, url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed (exit {out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    d = json.loads(line[len("WRKJSON "):])
    return LoadResult("wrk", d["requests"], d["duration_us"] / 1e6, d["p50_us"] / 1000, d["p99_us"] / 1000,
                      d["non2xx"], d["connect"] + d["read"] + d["write"] + d["timeout"])


async def _python_load(url: str, tokens: list[str], seconds: float, concurrency: int) -> LoadResult:
    latencies: list[float] = []
    non2xx = socket_errors = 0
    headers_list = [{"Authorization": "Bearer " + t} for t in tokens]
    deadline = time.perf_counter() + seconds

    async def worker(i: int) -> None:
        # One single-connection client per worker: one shared pool of 32 spends most of
        # its time choosing a connection (httpcore), see harness/tyk/gateway/http1.py.
        nonlocal non2xx, socket_errors
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            j = i
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url, headers=headers_list[j % len(headers_list)])
                except httpx.HTTPError:
                    socket_errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if not 200 <= r.status_code <= 299:
                    non2xx += 1
                j += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - start
    return LoadResult("python/httpx", len(latencies), elapsed, percentile(latencies, 50) * 1000,
                      percentile(latencies, 99) * 1000, non2xx, socket_errors)


def python_load(url: str, tokens: list[str], seconds: float, concurrency: int) -> LoadResult:
    return asyncio.run(_python_load(url, tokens, seconds, concurrency))


def warm_up(url: str, tokens: list[str]) -> None:
    """One request per token: fills the JWKS cache and the gateway's upstream pool."""
    with httpx.Client(timeout=10) as client:
        for t in tokens:
            r = client.get(url, headers={"Authorization": "Bearer " + t})
            if r.status_code != 200:
                raise SystemExit(f"warm-up request answered {r.status_code}: {r.text[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="each in-process measurement")
    parser.add_argument("--wrk-seconds", type=float, default=10.0, help="each load measurement (wrk -d)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (and Python clients)")
    parser.add_argument("--upstream", choices=("fast", "echo"), default="fast",
                        help="fast: a minimal asyncio responder; echo: harness.tyk.gateway.create_echo_app")
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto",
                        help="uvicorn HTTP implementation of the servers (auto: httptools when installed; "
                             "BackgroundServer's default is h11)")
    parser.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                        help="event loop of the servers (auto: uvloop when installed)")
    parser.add_argument("--no-wrk", action="store_true", help="use the Python load generator even if wrk exists")
    parser.add_argument("--no-uncached", action="store_true",
                        help="skip the load run against a gateway with the verification cache off")
    args = parser.parse_args()

    load_before = os.getloadavg()
    http = resolve_http(args.http)
    use_uvloop = resolve_loop(args.loop) == "uvloop"
    wrk = None if args.no_wrk else shutil.which("wrk")

    key = generate_rsa(kid="bench")
    now = int(time.time())
    tokens = [sign({"sub": f"user-{i}", "iat": now, "exp": now + 3600}, key) for i in range(8)]
    procs: list[Any] = []
    tmp = tempfile.mkdtemp(prefix="gw-bench-")
    try:
        base = {"uvloop": use_uvloop, "http": http}
        jwks_url = _start("jwks", dict(base, jwks=public_jwks([key])), procs) + "/jwks"
        up_url = _start(f"{args.upstream}-upstream", base, procs)

        # In-process: cached (the default) and with the verification cache off.
        verdicts_per_s, verdict_s = in_process(build_gateway(jwks_url, up_url), tokens, args.seconds)
        cold_per_s, cold_s = in_process(build_gateway(jwks_url, up_url, verify_cache_size=0), tokens, args.seconds)
        bare_s = bare_jwcrypto(tokens, key, args.seconds)

        gw_opts = dict(base, jwks_url=jwks_url, upstream_url=up_url)
        gw_url = _start("gateway", dict(gw_opts, verify_cache_size=10_000), procs)
        warm_up(gw_url + "/bench/x", tokens)
        cold_url = None
        if not args.no_uncached:
            cold_url = _start("gateway", dict(gw_opts, verify_cache_size=0), procs)
            warm_up(cold_url + "/bench/x", tokens)
        load_mid = os.getloadavg()
        if wrk:
            tokens_file = os.path.join(tmp, "tokens.txt")
            script = os.path.join(tmp, "rotate.lua")
            Path(tokens_file).write_text("\n".join(tokens) + "\n")
            Path(script).write_text(WRK_SCRIPT)

            def measure(url: str) -> LoadResult:
                return run_wrk(url, tokens_file, script, args.threads, args.connections, args.wrk_seconds)
        else:
            def measure(url: str) -> LoadResult:
                return python_load(url, tokens, args.wrk_seconds, args.connections)
        direct = measure(up_url + "/x")
        via = measure(gw_url + "/bench/x")
        uncached = measure(cold_url + "/bench/x") if cold_url else None
    finally:
        for proc in reversed(procs):  # gateways first, each gone before its upstream goes
            proc.terminate()
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    def la(v: tuple[float, float, float]) -> str:
        return " ".join(f"{x:.2f}" for x in v)

    print("gateway benchmark (shared/reference/tyk.md performance anchor setup; 8 rotating RS256 tokens)")
    print(f"  machine: {os.cpu_count()} cores; load average before {la(load_before)}, "
          f"at load start {la(load_mid)}, after {la(load_after)}")
    upstream_kind = ("minimal asyncio responder" if args.upstream == "fast"
                     else "harness.tyk.gateway.create_echo_app (Starlette)")
    print(f"  servers: uvicorn http={http} loop={'uvloop' if use_uvloop else 'asyncio'}, one gateway process; "
          f"upstream: {upstream_kind}")
    print("in-process")
    print(f"  JWT verdicts/s (verification cache on) : {verdicts_per_s:9.0f}   ({verdict_s * 1e6:7.1f} µs per verdict)")
    print(f"  JWT verdicts/s (cache off, Tyk's way)  : {cold_per_s:9.0f}   ({cold_s * 1e6:7.1f} µs per verdict)")
    print(f"  bare jwcrypto RS256 verify             : {1 / bare_s:9.0f}/s ({bare_s * 1e6:7.1f} µs)")
    print(f"  verdict / bare verification ratio      : {verdict_s / bare_s:9.2f} cached, {cold_s / bare_s:.2f} uncached")
    if wrk:
        print(f"load: wrk -t{args.threads} -c{args.connections} -d{args.wrk_seconds:g}s, Lua script rotating the 8 tokens")
    else:
        print(f"load: wrk {'disabled (--no-wrk)' if args.no_wrk else 'NOT FOUND on PATH'} — fell back to the "
              f"Python/httpx load generator "
              f"({args.connections} clients, {args.wrk_seconds:g} s); it is itself the bottleneck, "
              "so these req/s are NOT comparable with the Tyk anchor (apt-get install wrk)")
    print(f"  {'':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'requests':>9}")
    rows = [("(a) upstream direct", direct), ("(b) through gateway", via)]
    if uncached is not None:
        rows.append(("(c) gateway, no cache", uncached))
    for name, r in rows:
        print(f"  {name:22} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d} {r.requests:9d}")
    print(f"  {'Tyk anchor (tyk.md)':22} {TYK_RPS:9.0f} {TYK_P50_MS:8.2f} {TYK_P99_MS:8.2f}")
    print(f"  errors = non-2xx responses + socket errors; gateway: {via.non_2xx} non-2xx, "
          f"{via.socket_errors} socket errors")
    print(f"  added by gateway p50/p99 (ms)          : {via.p50_ms - direct.p50_ms:8.2f} / {via.p99_ms - direct.p99_ms:8.2f}")
    print(f"  gateway / upstream-direct req/s        : {via.rps / direct.rps if direct.rps else 0:8.3f}")
    ratio = via.rps / TYK_RPS
    met = wrk is not None and via.rps >= GOAL_SHARE * TYK_RPS and via.errors == 0
    print(f"  gateway / Tyk req/s                    : {ratio:8.2f}  (goal: ≥ {GOAL_SHARE:.2f} with no error)")
    verdict = "MET" if met else "NOT MET"
    why = "" if wrk else " (not measurable without wrk)"
    print(f"  goal: {verdict}{why}: {via.rps:.0f} req/s vs {GOAL_SHARE * TYK_RPS:.0f} needed, {via.errors} errors")
    if uncached is not None:
        cold_met = wrk is not None and uncached.rps >= GOAL_SHARE * TYK_RPS and uncached.errors == 0
        print(f"  without the verification cache: {uncached.rps:.0f} req/s ({uncached.rps / TYK_RPS:.2f} of Tyk), "
              f"{uncached.errors} errors — goal {'met' if cold_met else 'not met'} that way too")


if __name__ == "__main__":
    main()
