"""SQLite persistence for the portal: one table of JSON documents keyed by kind and id.

A file under the run's directory for runs, ``:memory:`` for tests. Every write is a
transaction: a failed write leaves the database as it was.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.core.redact import Redactor

KINDS = ("api", "policy", "catalogue", "config", "developer", "client")


class StoreError(Exception):
    """The portal database refused a write or a read."""


class Store:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, id TEXT NOT NULL, "
            "owner TEXT, body TEXT NOT NULL, PRIMARY KEY (kind, id))"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS objects_owner ON objects(kind, owner)")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def put(self, kind: str, id: str, body: dict[str, Any], owner: str | None = None) -> None:
        assert kind in KINDS, kind
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT OR REPLACE INTO objects (kind, id, owner, body) VALUES (?, ?, ?, ?)",
                    (kind, id, owner, json.dumps(body)),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store {kind} {id}: {exc}") from exc

    def get(self, kind: str, id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM objects WHERE kind=? AND id=?", (kind, id)).fetchone()
        return json.loads(row[0]) if row else None

    def list(self, kind: str, owner: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if owner is None:
                rows = self._db.execute("SELECT body FROM objects WHERE kind=? ORDER BY rowid", (kind,)).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT body FROM objects WHERE kind=? AND owner=? ORDER BY rowid", (kind, owner)
                ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete(self, kind: str, id: str) -> bool:
        try:
            with self.transaction() as db:
                cur = db.execute("DELETE FROM objects WHERE kind=? AND id=?", (kind, id))
                return cur.rowcount > 0
        except sqlite3.Error as exc:
            raise StoreError(f"cannot delete {kind} {id}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def redact_secrets(self, redactor: Redactor) -> int:
        """Rewrite every stored document with its secrets masked by the run's
        ``redactor`` (client secrets, registration access tokens, initial access tokens
        in DCR options, ...), for a database that is kept as a report artifact. Returns
        the number of rows changed."""
        changed = 0
        with self.transaction() as db:
            rows = db.execute("SELECT kind, id, body FROM objects").fetchall()
            for kind, id_, body in rows:
                masked = json.dumps(redactor.value(json.loads(body)))
                if masked != body:
                    db.execute("UPDATE objects SET body=? WHERE kind=? AND id=?", (masked, kind, id_))
                    changed += 1
        return changed
