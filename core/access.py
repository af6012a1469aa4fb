"""Who may touch the server's files: the app's access policy (pure; no Streamlit).

The person who starts the app decides, with environment variables (read once per check, so a
restart applies a change):

- ``PROJ_ALLOWED_DIRS`` — directories (separated by ``os.pathsep``, ``:`` on Linux) under which
  the app may read files named by a visitor (the Your-data page's "Files on this machine") and
  add run roots (the sidebar's "Add a runs directory"). ``none`` allows no directory at all.
- ``PROJ_SERVED`` — ``1`` treats the app as served to other machines even when Streamlit is
  bound to a loopback address (behind a reverse proxy, or in tests); ``0`` treats it as local.
  Unset: served unless Streamlit's ``server.address`` is a loopback address (``127.0.0.1``,
  ``localhost``, ``::1``, any ``127.x.y.z``). Streamlit's default address (unset) listens on
  every interface, so it counts as served. Outside a Streamlit server (AppTest, scripts) the
  app is local.
- ``PROJ_READ_ONLY`` — ``1`` for the read-only demo mode: no run is written, the Your-data and
  Playground pages work in memory only, the sidebar cannot add run roots.

The resulting rule:

============================  =========================================================
local, no PROJ_ALLOWED_DIRS   any path (the behaviour of a person on their own machine)
served, no PROJ_ALLOWED_DIRS  no server path at all: only uploads
PROJ_ALLOWED_DIRS set         only paths that, with every symlink and ``..`` resolved, lie
                              inside one of the directories (served or not)
============================  =========================================================

A refusal (:class:`AccessDenied`) names the input and the setting that would allow it, and
nothing else: not whether the file exists, not where a symlink points.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from core.errors import ProjectError

ALLOWED_ENV = "PROJ_ALLOWED_DIRS"
SERVED_ENV = "PROJ_SERVED"
READ_ONLY_ENV = "PROJ_READ_ONLY"
NONE_VALUE = "none"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class AccessDenied(ProjectError):
    """A path refused by the access policy (a :class:`ProjectError`: shown, never a traceback)."""


def flag(env: Mapping[str, str], name: str) -> bool | None:
    """``True``/``False`` for a yes/no environment value, ``None`` when unset or empty."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ProjectError(f"{name}={raw!r} is not a yes/no value", setting=name,
                       hint="use 1 or 0")


def is_loopback(address: str | None) -> bool:
    """Whether a bind address only accepts connections from this machine. ``None`` or empty
    (Streamlit's default: every interface) and ``0.0.0.0`` are not loopback."""
    if address is None or not str(address).strip():
        return False
    a = str(address).strip().strip("[]").lower()
    if a == "localhost":
        return True
    try:
        return ipaddress.ip_address(a).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable


def is_within(path: Path, root: Path) -> bool:
    """``path`` is ``root`` or below it (both already resolved)."""
    return path == root or root in path.parents


@dataclass(frozen=True)
class Policy:
    """The decision for one app: ``allowed`` is ``None`` for "any path" (local, no setting),
    else the resolved directories under which paths are allowed (empty: none)."""

    served: bool
    allowed: tuple[Path, ...] | None
    read_only: bool = False

    @property
    def server_paths(self) -> bool:
        """Whether any path on the server can be used at all."""
        return self.allowed is None or bool(self.allowed)

    @property
    def unrestricted(self) -> bool:
        return self.allowed is None

    def describe(self) -> str:
        """What visitors may read on this server, in a few words (markdown)."""
        if self.allowed is None:
            return "any file the app can read"
        if not self.allowed:
            return "none (files on the server are off)"
        return "only inside " + ", ".join(f"`{d}`" for d in self.allowed)

    def refusal(self, what: str) -> AccessDenied:
        if not self.allowed:
            why = ("files on the server are off for this app, which is served to other machines"
                   if self.served else "files on the server are off for this app")
            return AccessDenied(f"the {what} path is refused: {why}; upload the file instead, "
                                f"or start the app with {ALLOWED_ENV} naming the directories "
                                "to allow")
        return AccessDenied(f"the {what} path is refused: it is not inside a directory "
                            f"allowed by {ALLOWED_ENV} (set when the app is started)")

    def check(self, raw: str | Path, what: str = "file") -> Path:
        """The path to read for ``raw`` (typed by a visitor), or :class:`AccessDenied`.

        Unrestricted: ``raw`` with ``~`` expanded (today's behaviour). Otherwise the path with
        every symlink and ``..`` resolved, which must lie inside an allowed directory; the
        check comes before anything is read, so a refusal tells nothing about the file.
        """
        text = str(raw).strip()
        if self.allowed is None:
            return Path(text).expanduser()
        if not self.allowed or not text or "\x00" in text:
            raise self.refusal(what)
        try:
            resolved = Path(os.path.realpath(Path(text).expanduser()))
        except (OSError, RuntimeError, ValueError):
            raise self.refusal(what) from None
        if not resolved.is_absolute() or not any(is_within(resolved, d) for d in self.allowed):
            raise self.refusal(what)
        return resolved


def allowed_dirs(env: Mapping[str, str]) -> tuple[Path, ...] | None:
    """The resolved directories of ``PROJ_ALLOWED_DIRS``: ``None`` when unset, ``()`` for
    ``none``. Relative entries are taken from the current directory."""
    raw = (env.get(ALLOWED_ENV) or "").strip()
    if not raw:
        return None
    if raw.lower() == NONE_VALUE:
        return ()
    out: list[Path] = []
    for part in raw.split(os.pathsep):
        if part.strip():
            d = Path(os.path.realpath(Path(part.strip()).expanduser()))
            if d not in out:
                out.append(d)
    return tuple(out)


def policy_from(env: Mapping[str, str], address: str | None, *, server: bool = True) -> Policy:
    """The policy for an app bound to ``address`` (``server=False``: not a served app at all,
    e.g. AppTest) under the environment ``env``."""
    served = flag(env, SERVED_ENV)
    if served is None:
        served = server and not is_loopback(address)
    allowed = allowed_dirs(env)
    if allowed is None and served:
        allowed = ()
    return Policy(served=served, allowed=allowed, read_only=bool(flag(env, READ_ONLY_ENV)))


def read_confined(path: Path, limit: int, *, name: str) -> tuple[bytes, int]:
    """``(bytes, size)`` of a regular file checked by :meth:`Policy.check`: opened without
    following a final symlink (one swapped in after the check is refused), without blocking on
    a FIFO, reading at most ``limit + 1`` bytes (the caller refuses a longer file; ``size`` is
    the size on disk). ``name`` is what errors call the file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ProjectError("not a file", path=name) from None
    except OSError:
        raise ProjectError("not a file that can be opened", path=name) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ProjectError("not a file", path=name)
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    return data, max(info.st_size, len(data))


# what can turn text into a link, an image, a tag, math or a Streamlit directive (:red[x]):
# emphasis, headings and the like only change how the text looks, and are left alone
_MD_SPECIAL = re.compile(r"([\\`\[\]!<>$])")


def markdown_literal(text: object, limit: int = 200) -> str:
    """``text`` (from a URL, a file, a run) safe to put into Streamlit markdown: the characters
    that make links, images, tags, code spans, math or Streamlit's ``:color[…]`` directives
    (``\\ ` [ ] ! < > $``) are backslash-escaped, so no link, image or tag can appear and the
    text shows as typed. Line breaks become spaces; longer texts are cut to ``limit``
    characters (with …)."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)
