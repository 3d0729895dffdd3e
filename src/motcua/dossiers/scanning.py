"""Virus scanning of uploads by ClamAV's daemon, clamd (gh-5 item 4; domain.md feature 63).

``upload_scanner()`` gives the configured scanner, or None when
``MOTCUA_CLAMD_URL`` is unset (the scan is then skipped and a warning is
logged once per process). A scanner takes the file as an iterable of byte
chunks and answers a ``ScanVerdict``; when it cannot give one it raises
``ScannerUnavailable`` and the caller refuses the upload (fail closed: an
unscanned file is never accepted while a scanner is configured).

``ClamdScanner`` speaks clamd's INSTREAM command (clamd(8)): ``zINSTREAM\\0``,
then chunks each prefixed by its length as a 4-byte big-endian integer, then a
zero-length chunk; clamd answers one NUL-terminated line, ``stream: OK``,
``stream: <signature> FOUND`` or ``<reason> ERROR``. The Python clients on
PyPI (clamd, pyclamd, their forks clamav-client and clamdpy) are LGPL forks of
one 2013 module that send newline-terminated commands and flag the NUL form as
untested; the protocol is a few lines, so motcua speaks it directly and owns
its timeouts and errors.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings

import structlog

logger = structlog.stdlib.get_logger(__name__)

# clamd refuses a stream longer than its StreamMaxLength (25 MB by default)
# and reads chunks of any size up to it; 64 KiB keeps memory flat.
CHUNK_SIZE = 64 * 1024
_MAX_REPLY = 4096


@dataclass(frozen=True)
class ScanVerdict:
    """What the scanner found: ``signature`` is empty for a clean file."""

    signature: str = ""

    @property
    def infected(self) -> bool:
        return bool(self.signature)


class ScannerUnavailable(Exception):
    """No verdict: the scanner is unreachable, timed out, or answered an error."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # clamd's StreamMaxLength is smaller than the file: retrying will not help.
        self.too_large = too_large


class Scanner(Protocol):
    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        """Scan the bytes of one file; raise ``ScannerUnavailable`` without a verdict."""
        ...


class ClamdScanner:
    """A clamd reached over TCP (``tcp://host:port``) or a Unix socket (``unix:///path``)."""

    def __init__(self, url: str, *, timeout: float = 30, chunk_size: int = CHUNK_SIZE) -> None:
        parts = urlsplit(url)
        self.url = url
        self.timeout = timeout
        self.chunk_size = chunk_size
        self.unix_path = ""
        self.host = ""
        self.port = 0
        try:
            if parts.scheme == "unix" and parts.path:
                self.unix_path = parts.path
            elif parts.scheme == "tcp" and parts.hostname and parts.port:
                self.host, self.port = parts.hostname, parts.port
            else:
                raise ValueError(url)
        except ValueError:
            # Fail closed at scan time (the upload is refused, the error logged),
            # rather than accepting unscanned files because of a typo.
            self.problem = f"MOTCUA_CLAMD_URL is not tcp://host:port or unix:///path: {url!r}"
        else:
            self.problem = ""

    def _connect(self) -> socket.socket:
        if self.problem:
            raise ScannerUnavailable(self.problem)
        try:
            if self.unix_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(self.unix_path)
                except OSError:
                    sock.close()
                    raise
                return sock
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise ScannerUnavailable(f"cannot connect to clamd at {self.url}: {error}") from error

    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        with self._connect() as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                try:
                    for chunk in chunks:
                        for start in range(0, len(chunk), self.chunk_size):
                            piece = chunk[start : start + self.chunk_size]
                            # A zero length ends the stream: never send an empty piece early.
                            if piece:
                                sock.sendall(struct.pack("!L", len(piece)) + piece)
                    sock.sendall(struct.pack("!L", 0))
                except (BrokenPipeError, ConnectionResetError):
                    # clamd stops reading and closes when the stream passes its
                    # StreamMaxLength; its reply (read below) says so.
                    pass
                reply = self._reply(sock)
            except OSError as error:  # timeouts included
                raise ScannerUnavailable(f"clamd at {self.url} failed: {error}") from error
        return self.verdict(reply)

    @staticmethod
    def _reply(sock: socket.socket) -> str:
        data = b""
        while b"\0" not in data and len(data) < _MAX_REPLY:
            try:
                received = sock.recv(_MAX_REPLY)
            except ConnectionResetError:
                break
            if not received:
                break
            data += received
        return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def verdict(self, reply: str) -> ScanVerdict:
        """Read clamd's answer to INSTREAM; anything but OK or FOUND is no verdict."""
        if reply == "stream: OK":
            return ScanVerdict()
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            signature = reply.removeprefix("stream: ").removesuffix(" FOUND").strip()
            return ScanVerdict(signature=signature or "unknown")
        if not reply:
            raise ScannerUnavailable(f"clamd at {self.url} closed the connection without a reply")
        too_large = "size limit exceeded" in reply.lower()
        raise ScannerUnavailable(f"clamd at {self.url} answered {reply!r}", too_large=too_large)


_state = {"warned_unconfigured": False}


def upload_scanner() -> Scanner | None:
    """The scanner for uploads from the settings; None (warned once per process) when unset."""
    url = settings.MOTCUA_CLAMD_URL
    if not url:
        if not _state["warned_unconfigured"]:
            _state["warned_unconfigured"] = True
            logger.warning(
                "upload_scan_skipped",
                reason="MOTCUA_CLAMD_URL is not set; uploads are not scanned for viruses",
            )
        return None
    return ClamdScanner(url, timeout=settings.MOTCUA_CLAMD_TIMEOUT)


__all__ = [
    "CHUNK_SIZE",
    "ClamdScanner",
    "ScanVerdict",
    "Scanner",
    "ScannerUnavailable",
    "upload_scanner",
]
