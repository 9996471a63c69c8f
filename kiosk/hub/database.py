"""The hub's connections and transactions, the same for SQLite and PostgreSQL.

SQL is written once with ``?`` placeholders and turned into ``%s`` for
psycopg. Every write is one transaction; with an office named, it first locks
that office's row, so PostgreSQL's concurrent writers commit an office's
changes in order. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

BUSY_TIMEOUT_S = 10.0


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


class Tx:
    """One open transaction; ``?`` placeholders whatever the database."""

    def __init__(self, conn: Any, postgres: bool) -> None:
        self.conn, self.postgres = conn, postgres
        self.cur = conn.cursor()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cur.execute(self._sql(sql), tuple(params))
        return self.cur

    def many(self, sql: str, rows: list[Sequence[Any]]) -> int:
        if not rows:
            return 0
        self.cur.executemany(self._sql(sql), [tuple(r) for r in rows])
        return self.cur.rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.run(sql, params).fetchall()


class Database:
    """One connection per thread to the hub's SQLite file or PostgreSQL server."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.postgres = is_postgres_url(target)
        self.kind = "postgresql" if self.postgres else "sqlite"
        # A pool, not one connection per thread: the server's worker threads come and
        # go (anyio retires idle ones), and a connection per thread ever seen leaked
        # until PostgreSQL refused new clients (bench/hub_load.py found it). At most
        # one connection per transaction running at once is ever opened.
        self._idle: list[Any] = []  # free connections, the most recently used last
        self._conns: list[Any] = []  # every open one, for close()
        self._conns_lock = threading.Lock()
        if not self.postgres and target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            conn = psycopg.connect(self.target, autocommit=True, connect_timeout=10)
        else:
            conn = sqlite3.connect(self.target, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # An acknowledged event must survive a power cut at the hub too.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    @contextmanager
    def _borrow(self) -> Iterator[Any]:
        """A connection for one transaction or query, given back afterwards."""
        with self._conns_lock:
            conn = self._idle.pop() if self._idle else None
        while conn is not None and self.postgres and conn.closed:  # the server dropped it
            with self._conns_lock:
                self._conns.remove(conn)
                conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        finally:
            with self._conns_lock:
                if conn in self._conns:  # not closed by close() meanwhile
                    self._idle.append(conn)

    @contextmanager
    def _tx(self, office: str | None = None, read: bool = False) -> Iterator[Tx]:
        """A transaction; with ``office`` it holds that office's row lock.

        ``read``: a snapshot for reading, which on SQLite does not take the write lock.
        """
        with self._borrow() as conn:
            if self.postgres:
                with conn.transaction():
                    tx = Tx(conn, True)
                    if office is not None:
                        tx.run("SELECT 1 FROM offices WHERE code = ? FOR UPDATE", (office,))
                    yield tx
                return
            # One writer at a time: offices are serialised too.
            conn.execute("BEGIN" if read else "BEGIN IMMEDIATE")
            try:
                yield Tx(conn, False)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._conns_lock:
            conns, self._conns, self._idle = self._conns, [], []
        for conn in conns:
            with contextlib.suppress(Exception):  # shutting down: nothing left to do
                conn.close()
