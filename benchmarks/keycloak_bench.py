"""Real Keycloak vs the emulator: boot time, a registration + token flow, the whole guide
per step, and the harness's own overhead per step.

Run: ``.venv/bin/python benchmarks/keycloak_bench.py [--rounds 20] [--url http://127.0.0.1:8080]``.
Without ``--url`` a real Keycloak is booted from the cached distribution (its boot
time is printed); with it, that running server is used (admin/admin). Numbers are
printed, never asserted: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.launchers.registry import make_launcher  # noqa: E402
from harness.products.base import IdpLauncher  # noqa: E402
from harness.products.keycloak.dist import KeycloakDistLauncher  # noqa: E402
from harness.products.keycloak.external import ExternalKeycloakLauncher  # noqa: E402

GUIDE_METADATA = {
    "client_name": "bench",
    "grant_types": ["client_credentials"],
    "response_types": ["token"],
    "token_endpoint_auth_method": "client_secret_post",
}


def flow(http: requests.Session, base: str, user: str, password: str, realm: str) -> None:
    """Admin token → initial access token → RFC 7591 registration → client_credentials token."""
    admin = http.post(f"{base}/realms/master/protocol/openid-connect/token",
                      data={"grant_type": "password", "client_id": "admin-cli", "username": user, "password": password},
                      timeout=30)
    admin.raise_for_status()
    auth = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    iat = http.post(f"{base}/admin/realms/{realm}/clients-initial-access", headers=auth,
                    json={"expiration": 600, "count": 1}, timeout=30)
    iat.raise_for_status()
    reg = http.post(f"{base}/realms/{realm}/clients-registrations/openid-connect",
                    headers={"Authorization": f"Bearer {iat.json()['token']}"}, json=GUIDE_METADATA, timeout=30)
    reg.raise_for_status()
    client = reg.json()
    tok = http.post(f"{base}/realms/{realm}/protocol/openid-connect/token",
                    data={"grant_type": "client_credentials", "client_id": client["client_id"],
                          "client_secret": client["client_secret"]}, timeout=30)
    tok.raise_for_status()


def measure(idp: IdpLauncher, rounds: int) -> list[float]:
    realm = f"bench{int(time.time())}"
    with requests.Session() as http:
        admin = http.post(f"{idp.base_url}/realms/master/protocol/openid-connect/token",
                          data={"grant_type": "password", "client_id": "admin-cli",
                                "username": idp.admin_user, "password": idp.admin_password}, timeout=30).json()
        auth = {"Authorization": f"Bearer {admin['access_token']}"}
        http.post(f"{idp.base_url}/admin/realms", headers=auth, json={"realm": realm, "enabled": True},
                  timeout=60).raise_for_status()
        try:
            flow(http, idp.base_url, idp.admin_user, idp.admin_password, realm)  # warm-up
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                flow(http, idp.base_url, idp.admin_user, idp.admin_password, realm)
                times.append(time.perf_counter() - start)
        finally:
            http.delete(f"{idp.base_url}/admin/realms/{realm}", headers=auth, timeout=60)
    return times


HARNESS_SIDE = {"admin", "developer", "harness"}


def guide_flow(idp: IdpLauncher, rounds: int) -> tuple[list[float], dict[str, list[float]], dict[str, list[float]]]:
    """Run scenarios/keycloak.yaml ``rounds`` times on ``idp`` (wrapped so the run neither
    starts nor stops it). Returns total times, per-step times, and per-step harness
    overhead = step time minus the time its own requests spent waiting for the servers
    (the elapsed times of the exchanges the harness itself sent)."""
    import tempfile

    from harness.scenario.loader import load_scenario
    from harness.scenario.runner import run_scenario

    totals: list[float] = []
    per_step: dict[str, list[float]] = {}
    overhead: dict[str, list[float]] = {}
    scenario = load_scenario(ROOT / "scenarios" / "keycloak.yaml")
    for _ in range(rounds + 1):  # the first round warms up and is not counted
        shared = ExternalKeycloakLauncher(idp.base_url, idp.admin_user, idp.admin_password)
        shared.version = idp.version
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            result = run_scenario(scenario.model_copy(deep=True), report_dir=Path(tmp), launcher=shared)
            total = time.perf_counter() - start
        if not result.passed:
            raise SystemExit(f"guide run failed on {idp.base_url}: {result.failed_step.cause}")  # type: ignore[union-attr]
        if _ == 0:
            continue
        totals.append(total)
        for st in result.steps:
            waited = sum(e.elapsed_ms for e in st.exchanges if e.actor in HARNESS_SIDE) / 1000.0
            per_step.setdefault(st.id, []).append(st.duration_ms / 1000.0)
            overhead.setdefault(st.id, []).append(max(0.0, st.duration_ms / 1000.0 - waited))
    return totals, per_step, overhead


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--url", help="use this running Keycloak instead of booting one")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with ExitStack() as stack:
        if args.url:
            real: IdpLauncher = stack.enter_context(ExternalKeycloakLauncher(args.url))
            print(f"real Keycloak: using {args.url} (boot not measured)")
        else:
            dist = KeycloakDistLauncher(log_dir=ROOT / "reports" / "bench")
            warm = dist._augmented_dir().exists()
            real = stack.enter_context(dist)
            build = "Quarkus build reused from the cache" if warm else "includes the Quarkus build (~20 s)"
            print(f"real Keycloak {dist.version} boot: {dist.boot_seconds:.1f} s "
                  f"(until GET /realms/master = 200; {build})")
        start = time.perf_counter()
        emu = stack.enter_context(make_launcher("emulator", profile="keycloak"))
        print(f"emulator boot: {time.perf_counter() - start:.3f} s")
        real_t = measure(real, args.rounds)
        emu_t = measure(emu, args.rounds)
        guide_rounds = max(1, args.rounds // 4)
        real_g, real_steps, _ = guide_flow(real, guide_rounds)
        emu_g, emu_steps, emu_over = guide_flow(emu, guide_rounds)
    r, e = statistics.median(real_t), statistics.median(emu_t)
    print(f"registration+token flow, median of {args.rounds} (4 requests each):")
    print(f"  real Keycloak: {r * 1000:8.1f} ms")
    print(f"  emulator:      {e * 1000:8.1f} ms")
    print(f"  ratio real/emulator: {r / e:.1f}x")
    rg, eg = statistics.median(real_g), statistics.median(emu_g)
    print(f"the whole Keycloak guide (scenarios/keycloak.yaml, 14 steps), median of {len(real_g)}:")
    print(f"  real Keycloak: {rg * 1000:8.1f} ms")
    print(f"  emulator:      {eg * 1000:8.1f} ms")
    print(f"  ratio real/emulator: {rg / eg:.1f}x")
    print("per step (median ms): real | emulator | harness overhead on the emulator")
    for step in emu_steps:
        print(f"  {step:<24} {statistics.median(real_steps[step]) * 1000:8.1f} | "
              f"{statistics.median(emu_steps[step]) * 1000:8.1f} | {statistics.median(emu_over[step]) * 1000:8.1f}")
    total_over = sum(statistics.median(v) for v in emu_over.values())
    print(f"  harness overhead, all steps: {total_over * 1000:.1f} ms "
          f"({total_over / eg * 100:.0f}% of the emulator run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
