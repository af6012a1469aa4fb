"""The one exception type for problems a user can cause (bad file, bad setting, unknown name)."""

from __future__ import annotations

from pathlib import Path


class ProjectError(Exception):
    """A problem the user can fix. The message names the file/line or the setting, and what to do."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 setting: str | None = None, hint: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.setting = setting
        self.hint = hint
        where = []
        if self.path is not None:
            where.append(f"{self.path}:{line}" if line is not None else self.path)
        elif line is not None:
            where.append(f"line {line}")
        if setting is not None:
            where.append(f"setting '{setting}'")
        text = f"{': '.join(where)}: {message}" if where else message
        if hint:
            text = f"{text} ({hint})"
        super().__init__(text)
