"""A TCP proxy for the tests that forwards to a server and can cut every open connection mid-stream.

Arm it with a byte budget: once that many more bytes have passed (either direction, counted together),
the chunk in flight is forwarded only up to the budget and then every open connection is cut, both the
client's side and the server's, with a reset, as a dropped Wi-Fi link or a crashed router would.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket
    closed: bool = False


@dataclass
class CutRecord:
    """One cut: how many bytes after arming, and the label the test gave (such as the phase of a round)."""

    after: int
    label: str
    connections: int


@dataclass
class CuttingProxy:
    target_host: str
    target_port: int
    host: str = "127.0.0.1"
    port: int = 0
    cuts: list[CutRecord] = field(default_factory=list)
    #: Bytes forwarded since the proxy started, both directions.
    forwarded: int = 0
    #: What the test says is happening now; stored with each cut.
    label: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._pairs: list[_Pair] = []
        self._budget: int | None = None
        self._trigger: bytes | None = None
        self._answering: set[int] = set()  # pairs (by id) whose next answer from the server is cut
        self._armed_at = 0
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self._running = True
        self._accepting = threading.Thread(target=self._accept, name="proxy-accept", daemon=True)
        self._accepting.start()

    # -- control ---------------------------------------------------------------------------------

    def arm(self, after_bytes: int) -> None:
        """Cut every open connection once `after_bytes` more bytes have passed."""
        with self._lock:
            self._budget = max(0, after_bytes)
            self._armed_at = self.forwarded

    def arm_lost_reply(self, request: bytes) -> None:
        """Cut every connection as soon as a client has sent `request` (such as b"COMMIT") and the server
        starts to answer: the server did the work, the client never hears so."""
        with self._lock:
            self._trigger = request
            self._armed_at = self.forwarded

    def disarm(self) -> bool:
        """Stop waiting to cut; returns whether a cut was still pending."""
        with self._lock:
            pending = self._budget is not None or self._trigger is not None or bool(self._answering)
            self._budget, self._trigger, self._answering = None, None, set()
            return pending

    def close(self) -> None:
        self._running = False
        try:
            self._listener.close()
        finally:
            with self._lock:
                self._cut_all()

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- forwarding ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while self._running:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection((self.target_host, self.target_port), timeout=10)
                server.settimeout(None)
            except OSError:
                _reset(client)
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = _Pair(client, server)
            with self._lock:
                self._pairs = [*self._open_pairs(), pair]
            for source, sink, name in ((client, server, "up"), (server, client, "down")):
                threading.Thread(
                    target=self._pump, args=(pair, source, sink), name=f"proxy-{name}", daemon=True
                ).start()

    def _pump(self, pair: _Pair, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            with self._lock:
                if pair.closed:
                    return
                if not data:
                    self._close(pair)
                    return
                cut = False
                if self._trigger is not None and source is pair.client and self._trigger in data:
                    self._answering.add(id(pair))
                    self._trigger = None
                elif source is pair.server and id(pair) in self._answering:
                    data, cut = b"", True
                    self._answering = set()
                if self._budget is not None and not cut:
                    left = self._budget - (self.forwarded - self._armed_at)
                    if len(data) >= left:
                        data, cut = data[: max(0, left)], True
                        self._budget = None  # this pump makes the cut; no other one does
                self.forwarded += len(data)
            # Sent outside the lock: a full socket buffer in one direction must not stop the other.
            try:
                if data:
                    sink.sendall(data)
            except OSError:
                with self._lock:
                    self._close(pair)
                if not cut:
                    return
            if cut:
                with self._lock:
                    self.cuts.append(
                        CutRecord(self.forwarded - self._armed_at, self.label, len(self._open_pairs()))
                    )
                    self._cut_all()
                return

    # Called with the lock held.
    def _open_pairs(self) -> list[_Pair]:
        return [p for p in self._pairs if not p.closed]

    def _cut_all(self) -> None:
        for pair in self._open_pairs():
            self._close(pair, reset=True)
        self._pairs = []

    def _close(self, pair: _Pair, reset: bool = False) -> None:
        pair.closed = True
        for sock in (pair.client, pair.server):
            if reset:
                _reset(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


def _reset(sock: socket.socket) -> None:
    """Close with an RST rather than a FIN: the peer learns at once, as after a crash. Shutting down the
    reading side first wakes the pump thread blocked in recv() on this socket."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass
    sock.close()
