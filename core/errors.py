"""The one exception type for problems a user can cause (bad file, bad setting, unknown name)."""

from __future__ import annotations

import re
from pathlib import Path

# a Python repr of a string: what readers use to quote a token or a line
_QUOTED = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""")


class ProjectError(Exception):
    """A problem the user can fix. The message names the file/line or the setting, and what to do.

    ``redacted`` is the same message without anything read from the file (no token, no line):
    what :meth:`without_content` shows for files on the server that the reader of the message
    may not see (see ``docs/robustness.md``, "Serving the app to a room").
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 setting: str | None = None, hint: str | None = None,
                 redacted: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.setting = setting
        self.hint = hint
        self.redacted = redacted
        super().__init__(self._format(message))

    def _format(self, message: str) -> str:
        where = []
        if self.path is not None:
            where.append(f"{self.path}:{self.line}" if self.line is not None else self.path)
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.setting is not None:
            where.append(f"setting '{self.setting}'")
        text = f"{': '.join(where)}: {message}" if where else message
        if self.hint:
            text = f"{text} ({self.hint})"
        return text

    def without_content(self) -> ProjectError:
        """The same error naming the file, the line and what was expected, but quoting nothing
        from the file: the ``redacted`` message, or else the message with every quoted string
        replaced by ``…``."""
        safe = self.redacted if self.redacted is not None else _QUOTED.sub("…", self.message)
        return ProjectError(safe, path=self.path, line=self.line, setting=self.setting,
                            hint=self.hint, redacted=safe)
