"""Personal data handling: keyed hashes for fødselsnummer and private (0600) files."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from naervaer_cli.portable import modes_apply

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


# --- fødselsnummer: detect, validate, pad, mask ----------------------------------------------

# Candidates: a run of 11 digits, the spaced form «DDMMYY NNNNN» (a space or a no-break
# space), or a run of 10 digits (Excel drops the leading zero of a number cell). The
# control digits decide which candidates are fødselsnummer.
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ \u00a0]?(\d{4,5})(?!\d)")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Months of real numbers, H-numbers (+40) and synthetic test numbers (+80).
_MONTHS = {m + offset for m in range(1, 13) for offset in (0, 40, 80)}
# A cheap pre-filter for Polars (no look-around there): any value that may hold a candidate.
MAYBE_FNR = r"\d{6}[ \u00a0]?\d{4}"
HIDDEN = "«et fødselsnummer»"


def _control(digits: str, weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if rest == 11 else None if rest == 10 else rest


def is_valid_fnr(digits: str) -> bool:
    """Eleven digits whose two control digits are right (the mod-11 check)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    k1 = _control(digits[:9], _W1)
    return k1 == int(digits[9]) and _control(digits[:10], _W2) == int(digits[10])


def pad_fnr(digits: str) -> str:
    """A fødselsnummer with the leading zero a spreadsheet dropped put back."""
    return digits.zfill(11) if len(digits) == 10 and digits.isdigit() else digits


def _dropped_zero_fnr(digits: str) -> bool:
    """Ten digits that are a fødselsnummer born on day 1–9 without its leading zero.

    Ten-digit numbers are commoner than eleven-digit ones, so the date must be plausible too.
    """
    padded = pad_fnr(digits)
    return padded[1] != "0" and int(padded[2:4]) in _MONTHS and is_valid_fnr(padded)


def _fnr_of(match: re.Match[str]) -> str | None:
    """The fødselsnummer a candidate match is (11 digits), or None."""
    first, last = match.group(1), match.group(2)
    if len(last) == 5:
        digits = first + last
        return digits if is_valid_fnr(digits) else None
    digits = first + last
    if match.group(0) == digits and _dropped_zero_fnr(digits):
        return pad_fnr(digits)
    return None


def find_fnrs(text: str) -> list[str]:
    """Every fødselsnummer in `text`, as 11 digits (11 digits, spaced, or 10 digits)."""
    return [fnr for m in _CANDIDATE.finditer(text) if (fnr := _fnr_of(m))]


def contains_fnr(text: str) -> bool:
    return bool(find_fnrs(text))


def replace_fnrs(text: str, replacement: Callable[[str], str]) -> str:
    """`text` with every fødselsnummer replaced by `replacement(the 11 digits)`."""

    def sub(match: re.Match[str]) -> str:
        fnr = _fnr_of(match)
        return match.group(0) if fnr is None else replacement(fnr)

    return _CANDIDATE.sub(sub, text)


def mask_fnr_in_text(text: str, key: bytes) -> str:
    """Every fødselsnummer in free text replaced by its keyed hash (what is stored)."""
    return replace_fnrs(text, lambda fnr: hash_fnr(fnr, key))


def hide_fnr(text: str) -> str:
    """Every fødselsnummer in a message replaced by «et fødselsnummer» (what is shown)."""
    if not _CANDIDATE.search(text):
        return text
    hidden = replace_fnrs(text, lambda fnr: "\x00")
    return hidden.replace("«\x00»", HIDDEN).replace("\x00", HIDDEN)


def id_fnr(value: str) -> str | None:
    """The fødselsnummer a whole id value is (a pupil id cell or a pupil typed on the command
    line), or None: 11 digits (control digits or not: no school numbers its pupils so),
    spaced, or 10 digits that are a fødselsnummer without its leading zero."""
    digits = "".join(value.split())
    if len(digits) == 11 and digits.isdigit():
        return digits
    if len(digits) == 10 and digits.isdigit() and _dropped_zero_fnr(digits):
        return pad_fnr(digits)
    return None


def fnr_column_value(value: str) -> str:
    """A cell of a fødselsnummer column as the 11 digits it stands for, whatever it looks
    like: spaces dropped, a number cell's «.0» dropped, a dropped leading zero put back."""
    digits = "".join(value.split())
    if digits.endswith(".0"):
        digits = digits[:-2]
    return pad_fnr(digits)


def lookup_id(query: str, home: Path) -> str:
    """The pupil id to look up for what a user typed: a fødselsnummer becomes its pseudonym
    under the key of `home` (the id an import gave that child), anything else is kept."""
    fnr = id_fnr(query)
    return query if fnr is None else hash_fnr(fnr, pseudonym_key(home))


def read_secret_file(path: Path) -> str:
    """The first line of a password file ("" when empty); refused when others can read it.

    Raises FileNotFoundError for a missing file, so the caller can name its config key.
    Only the first line counts: editors add a trailing newline, and a password has none.
    """
    import stat

    from naervaer_cli.errors import ConfigError

    info = path.stat()
    # Windows reports every file as 0666: only POSIX modes can say "readable by others".
    if modes_apply() and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path}: passordfilen kan leses av andre (rettigheter "
            f"{stat.S_IMODE(info.st_mode):04o}). Kjør «chmod 600 {path}» og prøv igjen."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{path}: passordfilen kan ikke leses.") from None
    return text.splitlines()[0] if text.strip() else ""
