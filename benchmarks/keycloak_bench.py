"""Real Keycloak vs the emulator: boot time and a registration + token flow.

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

from harness.idp.launchers.base import IdpLauncher  # noqa: E402
from harness.idp.launchers.external import ExternalKeycloakLauncher  # noqa: E402
from harness.idp.launchers.factory import make_launcher  # noqa: E402
from harness.idp.launchers.keycloak_dist import KeycloakDistLauncher  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--url", help="use this running Keycloak instead of booting one")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
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
    r, e = statistics.median(real_t), statistics.median(emu_t)
    print(f"registration+token flow, median of {args.rounds} (4 requests each):")
    print(f"  real Keycloak: {r * 1000:8.1f} ms")
    print(f"  emulator:      {e * 1000:8.1f} ms")
    print(f"  ratio real/emulator: {r / e:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
