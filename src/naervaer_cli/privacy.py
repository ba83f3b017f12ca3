"""Personal data handling: keyed hashes for fødselsnummer and private (0600) files."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from naervaer_cli.portable import modes_apply

KEY_FILE = "pseudonym.key"


# The modes below protect files on Linux and macOS. On Windows they are not access control
# (os.chmod only sets the read-only flag), so nothing there pretends otherwise: state lives
# under the user's own profile (platformdirs' user data folder), private by its default ACLs.

KEY_BYTES = 32
# An interrupted write leaves `.NAME.PID.tmp` beside its target; nothing else is named so.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")
_SPECIAL = (
    (stat.S_ISFIFO, "en FIFO (navngitt rør)"),
    (stat.S_ISCHR, "en enhetsfil"),
    (stat.S_ISBLK, "en blokkenhet"),
    (stat.S_ISSOCK, "en socket"),
)


def special_kind(path: Path) -> str | None:
    """What `path` is when it is a device, FIFO or socket (in bokmål), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return next((kind for test, kind in _SPECIAL if test(mode)), None)


def check_file_target(path: Path) -> None:
    """Refuse to write over anything but a regular file or a new path: replacing a FIFO or a
    device node (/dev/null, run as root) with a regular file breaks the machine."""
    from naervaer_cli.errors import UsageError

    if kind := special_kind(path):
        raise UsageError(
            f"{path} er {kind}, ikke en vanlig fil, og blir ikke skrevet over. Oppgi en vanlig "
            "fil eller en ny sti."
        )
    if path.is_dir():
        raise UsageError(f"{path} er en mappe. Oppgi et filnavn.")


def check_folder_target(path: Path) -> None:
    """Refuse a folder option that names something other than a folder or a new path."""
    from naervaer_cli.errors import UsageError

    if os.path.exists(path) and not path.is_dir():
        kind = special_kind(path) or "en fil"
        raise UsageError(f"{path} er {kind}, ikke en mappe. Oppgi en mappe eller en ny sti.")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and every missing parent with mode 0700 (POSIX); existing ones are kept."""
    check_folder_target(path)
    for folder in reversed((path, *path.parents)):
        if not folder.is_dir():
            folder.mkdir(mode=0o700, exist_ok=True)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty `path` with mode 0600 unless it exists (its folder made 0700).

    For SQLite files: created here, a database is born private, and SQLite gives its journal
    and -wal/-shm files the same mode. An OSError other than "exists" is the caller's to name.
    """
    ensure_private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def temp_path(path: Path) -> Path:
    """The temporary file a write to `path` goes through: same folder, so the rename is atomic."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(
    path: Path,
    data: bytes | str | Callable[[BinaryIO], object],
    *,
    replace: bool = True,
) -> Path:
    """Write a private (0600) file atomically: a temporary file in the same folder, fsync,
    rename. A crash or a full disk leaves the old file whole (and at most a temporary file,
    removed at the next start). `data` is the content, or a function that writes it.

    With `replace=False` an existing file wins: FileExistsError, and nothing is changed.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_file_target(path)
    ensure_private_dir(path.parent)
    tmp = temp_path(path)
    fd = _create(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if modes_apply():
            os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, path)
        else:
            _link(tmp, path)
    except OSError as exc:
        # A failed write() names no file; the message should name the one being written.
        if exc.filename is None:
            exc.filename = str(path)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write a file that holds personal data with mode 0600, replacing it atomically."""
    return write_atomic(path, data)


def _link(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` unless that exists (FileExistsError): never clobbers."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        # File systems without hard links (FAT, some network shares): exists-check, then rename.
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)


def _create(tmp: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o600)
    except FileExistsError:
        # A leftover of a killed run that had our process id; it is ours to replace.
        tmp.unlink()
        return os.open(tmp, flags, 0o600)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder for this."""
    if not modes_apply():
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_private(path: Path, mode: str = "w", **kwargs):
    """Open a new file for writing with mode 0600 (for writers that want a file object)."""
    check_file_target(path)
    ensure_private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    if modes_apply():
        os.chmod(path, 0o600)
    return os.fdopen(fd, mode, **kwargs)


def leftover_temp_files(home: Path, *, now: float | None = None) -> list[Path]:
    """Temporary files of interrupted writes under `home` (our own name pattern only) whose
    writer is no longer running."""
    if not home.is_dir():
        return []
    found = []
    for folder, _, names in os.walk(home):  # symlinked folders are not followed
        for name in names:
            match = _TEMP_NAME.match(name)
            path = Path(folder) / name
            if match and not _writing(int(match["pid"]), path, now):
                found.append(path)
    return sorted(found)


def remove_leftovers(home: Path) -> int:
    """Delete :func:`leftover_temp_files`; return how many were deleted."""
    removed = 0
    for path in leftover_temp_files(home):
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
                removed += 1
        except OSError:
            pass  # gone already, or not ours to delete: left for purge to report
    return removed


def _writing(pid: int, path: Path, now: float | None) -> bool:
    """Whether the process that named `path` may still be writing it."""
    if pid == os.getpid():
        return False  # this run has no write under way while it looks
    if not modes_apply():
        # Windows has no harmless "is it alive" signal: an hour-old temporary file is dead.
        import time

        try:
            return (now or time.time()) - path.stat().st_mtime < 3600
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    except OSError:
        return False
    return True


def home_mode_warning(home: Path) -> str | None:
    """A bokmål warning when NAERVAER_HOME is open to group or others (POSIX), else None."""
    if not modes_apply():
        return None
    try:
        mode = stat.S_IMODE(os.stat(home).st_mode)
    except OSError:
        return None
    if not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return (
        f"NAERVAER_HOME ({home}) har rettigheter {mode:04o}: andre brukere kan komme til "
        f"saksloggen, historikken og nøkkelen. Kjør «chmod 700 {home}»."
    )


def pseudonym_key(home: Path) -> bytes:
    """The secret key for keyed hashes, created once per NAERVAER_HOME (0600, atomically).

    An existing key is checked on every read; a bad one is refused, never replaced: a new
    key would give every pupil imported by fødselsnummer a new id.
    """
    path = home / KEY_FILE
    if os.path.lexists(path):
        return read_key(path)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        write_atomic(path, key, replace=False)
    except FileExistsError:  # another process made it first
        return read_key(path)
    return key


def check_key(home: Path) -> None:
    """Refuse a damaged key at start, before any command uses or stores a pseudonym."""
    path = home / KEY_FILE
    if os.path.lexists(path):
        read_key(path)


def read_key(path: Path) -> bytes:
    """The key in `path`, checked: exactly KEY_BYTES bytes, not all zero."""
    from naervaer_cli.errors import ConfigError

    data = b""
    try:
        if path.is_file():
            data = path.read_bytes()
            problem = key_problem(data)
        else:
            problem = "er ikke en vanlig fil"
    except OSError as exc:
        problem = f"kan ikke leses ({exc.strerror})"
    if problem is None:
        return data
    raise ConfigError(
        f"Nøkkelfilen {path} {problem}. Den gjør fødselsnummer om til elev-id-er, og en ny "
        "nøkkel ville gitt alle elever nye id-er, så naervaer lager ikke en ny. Kopier "
        f"{KEY_FILE} fra sikkerhetskopien til {path}, kjør «chmod 600 {path}» og prøv igjen."
    )


def key_problem(data: bytes) -> str | None:
    """What is wrong with a key's bytes (in bokmål), or None for a good key."""
    if not data:
        return "er tom"
    if len(data) != KEY_BYTES:
        return f"har {len(data)} byte, ikke {KEY_BYTES}"
    if not any(data):
        return "inneholder bare nuller"
    return None


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
