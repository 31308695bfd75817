"""The one way an app reaches code of the apps above it (claimants ← settlements ← monitoring): a ``Hook``
that the lower app calls and the higher apps connect to from their ``AppConfig.ready()``.

Two shapes, one registration style (``connect``, idempotent):

- ``Hook``: every connected function is called, in connection order (the settlement followers, the
  application followers, the timeline providers).
- ``KeyedHook``: one function per key, looked up by key (the queue counters beside navigation entries, the
  import kinds).
"""

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[..., Any]] = []

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``receiver`` once (usable as a decorator)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[..., Any]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def call(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every receiver with these arguments; their results in connection order."""
        return [receiver(*args, **kwargs) for receiver in self._receivers]


class KeyedHook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: dict[str, Any] = {}

    def connect(self, key: str, receiver: Any) -> Any:
        """Set the receiver of ``key`` (connecting the same one again changes nothing)."""
        self._receivers[key] = receiver
        return receiver

    def get(self, key: str) -> Any | None:
        return self._receivers.get(key)
