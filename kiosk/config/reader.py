"""The config file's typed reader and its error, with every problem of the file.

kiosk/config/load.py reads the kiosk's TOML through a _Reader given a ``problems`` list:
a bad optional value is recorded and its default used, so the checks go on and
`kiosk check-config` reports every problem in one run. A missing or bad required
value, or a problem that makes the rest of a branch meaningless, still raises;
load_config catches that per section or item (``checked``) so the other sections
are checked too, and raises one ConfigError carrying them all at the end.

Without a list (kiosk/sync/settings_wire.py, the hub's settings) the first problem raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


class ConfigError(Exception):
    """A config problem staff can fix: file, key and expectation in one line.

    ``problems`` lists every problem found in the file, one line each without the
    file's name ("key 'lanes.A.cap': expected ..."); path, key and expected are
    the first one's.
    """

    def __init__(self, path: Path | str, key: str, expected: str, got: object = None) -> None:
        self.path, self.key, self.expected = str(path), key, expected
        got_text = "" if got is None else f", got {got!r}"
        self.problems = [f"key '{key}': expected {expected}{got_text}"]
        super().__init__(f"{path}: {self.problems[0]}")

    @classmethod
    def every(cls, found: list[ConfigError]) -> ConfigError:
        """One error carrying all of ``found`` (at least one), in the order found."""
        if len(found) == 1:
            return found[0]
        first = found[0]
        error = cls(first.path, first.key, first.expected)
        error.problems = [problem for each in found for problem in each.problems]
        error.args = (f"{first.path}: {len(error.problems)} problems: "
                      + "; ".join(error.problems),)
        return error


_REQUIRED = object()


def resolve_path(base: Path, value: str) -> Path:
    """A path from the file: relative ones are relative to the file's folder ``base``."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


class _Reader:
    """Typed access to one TOML table, raising or recording ConfigError with the key path."""

    def __init__(self, path: Path, data: dict[str, Any], prefix: str = "",
                 problems: list[ConfigError] | None = None) -> None:
        self.path, self.data, self.prefix, self.problems = path, data, prefix, problems

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, expected: str, got: object = None) -> ConfigError:
        return ConfigError(self.path, self.key(name), expected, got)

    def sub(self, data: dict[str, Any], prefix: str) -> _Reader:
        """A reader of a nested table (e.g. one [[counters]] item) sharing the problems."""
        return _Reader(self.path, data, prefix, self.problems)

    def report(self, name: str, expected: str, got: object = None) -> None:
        """A problem that does not stop the checks after it: recorded, or raised when not
        collecting."""
        error = self.fail(name, expected, got)
        if self.problems is None:
            raise error
        self.problems.append(error)

    def checked(self, parse: Callable[[], Any], fallback: Any = None) -> Any:
        """parse(), or ``fallback`` once the problem that stopped it is recorded: the
        sections and items after it are still checked. Raises when not collecting."""
        if self.problems is None:
            return parse()
        try:
            return parse()
        except ConfigError as exc:
            self.problems.append(exc)
            return fallback

    def _bad(self, name: str, expected: str, got: object, default: Any) -> Any:
        """A bad value: recorded and replaced by its default, or raised (required, or not
        collecting)."""
        if self.problems is None or default is _REQUIRED:
            raise self.fail(name, expected, got)
        self.report(name, expected, got)
        return default

    def _get(self, name: str, default: Any, kind: type | tuple[type, ...], expected: str) -> Any:
        if name not in self.data:
            if default is _REQUIRED:
                raise self.fail(name, f"{expected} (the key is missing)")
            return default
        value = self.data[name]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            return self._bad(name, expected, value, default)
        return value

    def text(self, name: str, default: Any = None) -> str:
        value = self._get(name, default, str, "a text value in quotes")
        if isinstance(value, str) and not value.strip():
            return self._bad(name, "a non-empty text value", value, default)
        return value

    def integer(self, name: str, default: Any = None, lo: int = 0, hi: int = 10**9) -> int:
        value = self._get(name, default, int, f"a whole number from {lo} to {hi}")
        if value is not None and not lo <= value <= hi:
            return self._bad(name, f"a whole number from {lo} to {hi}", value, default)
        return value

    def number(self, name: str, default: Any = None, lo: float = 0.0, hi: float = 1e9) -> float:
        value = self._get(name, default, (int, float), f"a number from {lo} to {hi}")
        if value is not None and not lo <= value <= hi:
            value = self._bad(name, f"a number from {lo} to {hi}", value, default)
        return None if value is None else float(value)

    def boolean(self, name: str, default: Any = None) -> bool:
        return self._get(name, default, bool, "true or false")

    def choice(self, name: str, choices: tuple[str, ...], default: Any = None) -> str:
        value = self._get(name, default, str, f"one of {', '.join(choices)}")
        if value not in choices:
            return self._bad(name, f"one of {', '.join(choices)}", value, default)
        return value

    def table(self, name: str, required: bool = True) -> _Reader:
        value = self._get(name, _REQUIRED if required else {}, dict, f"a table [{self.key(name)}]")
        return self.sub(value, f"{self.key(name)}.")

    def unknown_keys(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                self.report(name, f"one of the known keys ({', '.join(sorted(allowed))})")
