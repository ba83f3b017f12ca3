"""Personal data handling: keyed hashes for fødselsnummer and private (0600) files."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from naervaer_cli.portable import modes_apply

FNR_PATTERN = re.compile(r"(?<!\d)\d{11}(?!\d)")
KEY_FILE = "pseudonym.key"


# The modes below protect files on Linux and macOS. On Windows they are not access control
# (os.chmod only sets the read-only flag), so nothing there pretends otherwise: state lives
# under the user's own profile (platformdirs' user data folder), private by its default ACLs.


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700 for the folders this creates (POSIX)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write a file that holds personal data with mode 0600, replacing it atomically."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if modes_apply():
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def open_private(path: Path, mode: str = "w", **kwargs):
    """Open a new file for writing with mode 0600 (for writers that want a file object)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    if modes_apply():
        os.chmod(path, 0o600)
    return os.fdopen(fd, mode, **kwargs)


def pseudonym_key(home: Path) -> bytes:
    """The secret key for keyed hashes, created once per NAERVAER_HOME (mode 0600)."""
    path = home / KEY_FILE
    if path.is_file():
        return path.read_bytes()
    ensure_private_dir(home)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


# Hex digits 0-9 become the letters g-p: a pseudonym then has no digit run that could look
# like a fødselsnummer (and be hashed again when our own output is imported).
_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def keyed_hash(text: str, key: bytes, prefix: str) -> str:
    """A stable pseudonym: `prefix-` and 12 letters from an HMAC-SHA256 under `key`."""
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
    return f"{prefix}-" + digest.translate(_NO_DIGITS)


def hash_fnr(fnr: str, key: bytes) -> str:
    """The pseudonym of a fødselsnummer (`fnr-…`); the number itself is never kept."""
    return keyed_hash(fnr, key, "fnr")


def mask_fnr_in_text(text: str, key: bytes) -> str:
    """Replace every 11-digit number in free text by its keyed hash."""
    return FNR_PATTERN.sub(lambda m: hash_fnr(m.group(0), key), text)
