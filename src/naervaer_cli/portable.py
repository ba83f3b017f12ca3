"""What differs between Windows, macOS and Linux: file modes, network locations, output encoding.

The checks are pure functions of the path string and the OS name (so Linux can test the
Windows rules); only :func:`home_warning` asks the running system.
"""

from __future__ import annotations

import io
import ntpath
import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TextIO

# File systems whose files live on another machine (Linux /proc/self/mounts names).
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "glusterfs", "9p", "davfs"}
    | {"fuse.sshfs", "fuse.rclone", "fuse.davfs"}
)
_DRIVE_REMOTE = 4  # GetDriveTypeW's value for a mapped network drive


def modes_apply(os_name: str = os.name) -> bool:
    """Whether POSIX file modes (0600/0700) control access here.

    On Windows os.chmod only sets the read-only flag; privacy there comes from the ACLs of
    the user's own profile folder, where the default NAERVAER_HOME lives.
    """
    return os_name != "nt"


def network_location(
    path: str,
    os_name: str,
    *,
    remote_drives: Collection[str] = (),
    mounts: Iterable[tuple[str, str]] = (),
) -> str | None:
    """Where `path` (absolute) is shared over the network, in bokmål, or None if it looks local.

    Windows: a UNC path (``\\\\server\\share``, also ``\\\\?\\UNC\\…`` and with ``/``), or a
    drive letter in `remote_drives` (the mapped network drives, e.g. ``{"H:"}``). POSIX: the
    longest mount point in `mounts` ((mount point, file system type)) that holds `path`.
    """
    if os_name == "nt":
        return _windows_location(path, {d[:1].upper() for d in remote_drives})
    best = ("", "")
    for point, fstype in mounts:
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best[0]):
            best = (point, fstype)
    if best[1] in NETWORK_FILESYSTEMS:
        return f"en nettverksdisk ({best[1]} montert på {best[0]})"
    return None


def _windows_location(path: str, remote_letters: set[str]) -> str | None:
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        return _unc(text[8:])
    if text.startswith(("\\\\?\\", "\\\\.\\")):  # a long local path or a device path
        text = text[4:]
    elif text.startswith("\\\\"):
        return _unc(text[2:])
    if len(text) >= 2 and text[1] == ":" and text[0].upper() in remote_letters:
        return f"nettverksstasjonen {text[0].upper()}:"
    return None


def _unc(rest: str) -> str:
    server, _, tail = rest.partition("\\")
    share = tail.split("\\", 1)[0]
    return f"nettverksdelingen \\\\{server}\\{share}" if share else f"nettverket (\\\\{server})"


def home_warning(home: Path) -> str | None:
    """A bokmål warning when NAERVAER_HOME lies on a network share; None when it is local."""
    path = os.path.abspath(home)
    if os.name == "nt":
        where = network_location(path, "nt", remote_drives=_remote_drives(path))
    else:
        where = network_location(path, os.name, mounts=read_mounts())
    if where is None:
        return None
    return (
        f"NAERVAER_HOME ({path}) ligger på {where}. Saksloggen og historikken har "
        "personopplysninger som andre med tilgang dit kan lese, og låsing over nettverket "
        "er ikke til å stole på. Bruk en mappe på denne maskinen (uten NAERVAER_HOME brukes "
        "datamappen i din egen brukerprofil)."
    )


def read_mounts(source: Path = Path("/proc/self/mounts")) -> list[tuple[str, str]]:
    """(mount point, file system type) on Linux; empty where there is no /proc (macOS)."""
    try:
        lines = source.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            # The kernel writes a space in a mount point as \040 (and tab, newline, \ alike).
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[1])
            mounts.append((point, fields[2]))
    return mounts


def _remote_drives(path: str) -> set[str]:
    """The path's drive letter when Windows reports it as a mapped network drive."""
    drive = ntpath.splitdrive(path)[0]
    if len(drive) != 2 or drive[1] != ":":
        return set()
    import ctypes

    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (the attribute exists only on Windows)
    return {drive.upper()} if kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE else set()


def utf8_output(streams: Iterable[tuple[TextIO, bool]]) -> None:
    """Let stdout and stderr write every character naervaer prints, on any system.

    Redirected to a file or a pipe on Windows, Python writes the ANSI code page (cp1252),
    which has no BOM and no «≥»: `scan --format csv > fil.csv` and `policy show | more`
    stopped with UnicodeEncodeError. Such a stream becomes UTF-8, which the CSV's BOM
    announces and Excel and Notepad read. A terminal keeps its encoding (Python writes
    Windows consoles through the UTF-16 console API) and shows «?» rather than crash. Each
    stream comes with whether it is a terminal (the CLI's Environment knows).
    """
    for stream, terminal in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding == "utf8" or not isinstance(stream, io.TextIOWrapper):
            continue
        if terminal:
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8")
