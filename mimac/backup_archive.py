"""The archive inside a backup: the database and the photos in one tar, streamed through age.

No part of it is ever whole in memory or clear on disk. The tar is made piece by piece while age encrypts it
(the database in parts of at most CHUNK bytes, each photo read CHUNK bytes at a time), and read back piece by
piece while age decrypts it, so memory holds a few pieces whatever the photos weigh (bench/backup_memory.py
measures it). Its members, in this order:

    MIMAC-BACKUP.json     what the archive is: its format, the database's engine, when it was made
    database/000001 …     the copy of the database (pg_dump's SQL, or SQLite's file), in parts
    photos/<name> …       each photo's file, by its name under PHOTO_ROOT
    manifest.json         the SHA-256 of the database and of each photo, and the photos missing when it was made
"""

import hashlib
import io
import json
import os
import tarfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyrage

FORMAT = 2
CHUNK = 8 * 1024 * 1024
ABOUT = "MIMAC-BACKUP.json"
DATABASE = "database/"
PHOTOS = "photos/"
MANIFEST = "manifest.json"


class ArchiveError(Exception):
    pass


@dataclass
class Manifest:
    database: dict = field(default_factory=dict)
    photos: dict[str, str] = field(default_factory=dict)  # name → SHA-256
    missing: list[str] = field(default_factory=list)  # photos the database names whose file was not there

    def to_json(self) -> bytes:
        return json.dumps({"database": self.database, "photos": self.photos, "missing": self.missing}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        return cls(**json.loads(data))


def _header(name: str, size: int, mtime: float) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o640
    return info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8", errors="strict")


def _padding(size: int) -> bytes:
    return bytes(-size % tarfile.BLOCKSIZE)


def _small(name: str, data: bytes) -> bytes:
    return _header(name, len(data), time.time()) + data + _padding(len(data))


def stream(*, about: dict, database: Iterable[bytes], photos: Iterable[tuple[str, Path]], manifest: Manifest):
    """The archive's bytes, piece by piece; `manifest` is filled in as they go. `photos` gives each photo's name
    and the path of its file; one whose file is gone is listed as missing, and the archive goes on."""
    yield _small(ABOUT, json.dumps({**about, "format": FORMAT}).encode())
    digest, size, parts = hashlib.sha256(), 0, 0
    for part in database:
        if part:
            parts, size = parts + 1, size + len(part)
            digest.update(part)
            yield _header(f"{DATABASE}{parts:06d}", len(part), time.time())
            yield part
            yield _padding(len(part))
    manifest.database = {"parts": parts, "bytes": size, "sha256": digest.hexdigest()}
    for name, path in photos:
        try:
            file = path.open("rb")
        except FileNotFoundError:
            manifest.missing.append(name)
            continue
        with file:
            status = os.fstat(file.fileno())
            yield _header(PHOTOS + name, status.st_size, status.st_mtime)
            digest, left = hashlib.sha256(), status.st_size
            while left:
                piece = file.read(min(CHUNK, left))
                if not piece:
                    raise ArchiveError(f"The photo {name} became shorter while it was read.")
                left -= len(piece)
                digest.update(piece)
                yield piece
            yield _padding(status.st_size)
        manifest.photos[name] = digest.hexdigest()
    yield _small(MANIFEST, manifest.to_json())
    yield bytes(2 * tarfile.BLOCKSIZE)  # the end of the archive


class _Pieces(io.RawIOBase):
    """The pieces a generator yields, as a file age reads from. An error in the generator is kept, so the caller
    sees it rather than age's own error about a read that failed."""

    def __init__(self, pieces: Iterable[bytes]):
        self._pieces = iter(pieces)
        self._current = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            while not len(self._current):
                self._current = memoryview(next(self._pieces))
        except StopIteration:
            return 0
        except Exception as error:
            self.error = error
            raise
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


def encrypt(pieces: Iterable[bytes], sink, recipient) -> None:
    """Encrypt the pieces to `recipient` into the file `sink`, as they come."""
    source = _Pieces(pieces)
    try:
        pyrage.encrypt_io(source, sink, [recipient])
    except Exception:
        if source.error is not None:
            raise source.error from None
        raise
    if source.error is not None:
        raise source.error


@contextmanager
def opened(source, identities) -> Iterator[tarfile.TarFile]:
    """The archive in the encrypted file `source`, to read member by member while age decrypts it (in a thread,
    through a pipe). Raises ArchiveError if the key does not open it or it was damaged, even at its very end."""
    read_end, write_end = os.pipe()
    failures: list[Exception] = []

    def decrypt():
        sink = open(write_end, "wb")  # noqa: SIM115 (closed below, after the failure is noted)
        try:
            pyrage.decrypt_io(source, sink, identities)
        except Exception as error:
            failures.append(error)  # before the pipe closes: the reader's end of file comes after it
        finally:
            with suppress(BrokenPipeError):
                sink.close()

    thread = threading.Thread(target=decrypt, name="backup-decrypt", daemon=True)
    thread.start()
    stream = open(read_end, "rb")  # noqa: SIM115 (closed in finally, which also stops the thread)
    try:
        try:
            with tarfile.open(fileobj=stream, mode="r|") as archive:
                yield archive
            while stream.read(CHUNK):  # what follows the archive's end, so age checks the file's last piece
                pass
        except Exception:
            if failures:  # decryption failed first: the reader's error is only its consequence
                raise _undecryptable(failures[0]) from None
            raise
    finally:
        stream.close()  # a writer still blocked on the pipe gets an error and ends
        thread.join()
    if failures:
        raise _undecryptable(failures[0])


def _undecryptable(error: Exception) -> ArchiveError:
    return ArchiveError(f"This key does not open this backup, or the file is damaged: {error}")


def read_all(file, limit: int) -> bytes:
    """A member's bytes, refused past `limit` (a photo bigger than any MIMAC stores)."""
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ArchiveError("A member of the archive is larger than it can be.")
    return data
