"""Fault injection: rules that make the sink answer like a relay that is busy, refuses, is slow or is down.

A rule applies at one stage of the SMTP dialogue and matches a regular expression (``re.search``, case-insensitive)
against what that stage is about: the client's IP address at ``connect``, the sender at ``mail``, the recipient
at ``rcpt``, any of the envelope recipients at ``data``. The first active matching rule answers; ``times`` limits
how often (each answer uses one), ``delay_ms`` waits before answering. A 2xx code only delays: the command then
proceeds normally. A 421 closes the connection after the answer, as a real server going away would.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

STAGES = ("connect", "mail", "rcpt", "data")


class RuleError(ValueError):
    """A rule definition that cannot work; the message says why (shown to the API caller)."""


def default_message(code: int, rule_id: int) -> str:
    if code == 421:
        return f"4.3.2 Service not available, closing transmission channel (smtpsink rule {rule_id})"
    if code < 300:
        return "OK"
    if code < 500:
        return f"4.0.0 Temporary failure (smtpsink rule {rule_id})"
    return f"5.0.0 Rejected (smtpsink rule {rule_id})"


@dataclass
class Rule:
    id: int
    match: str
    code: int
    message: str
    stage: str = "rcpt"
    times: int | None = None  # None: until deleted
    delay_ms: int = 0
    hits: int = 0
    pattern: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(self.match, re.IGNORECASE)

    @property
    def active(self) -> bool:
        return self.times is None or self.hits < self.times

    @property
    def accepts(self) -> bool:
        return self.code < 300

    @property
    def response(self) -> str:
        return f"{self.code} {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "match": self.match, "code": self.code, "message": self.message, "stage": self.stage,
            "times": self.times, "remaining": None if self.times is None else max(self.times - self.hits, 0),
            "delay_ms": self.delay_ms, "hits": self.hits, "active": self.active,
        }


def _int(data: dict[str, Any], name: str, default: int | None, low: int, high: int) -> int | None:
    value = data.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(f"{name} must be an integer from {low} to {high}")
    return value


class Rules:
    """The sink's rules, in the order added. Thread-safe: the SMTP loop matches, web threads add and delete."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._next_id = 1

    def add(self, data: dict[str, Any]) -> Rule:
        """Validate a rule as posted to ``/api/rules`` and activate it."""
        if not isinstance(data, dict):
            raise RuleError("a rule is a JSON object")
        unknown = set(data) - {"match", "code", "message", "times", "stage", "delay_ms"}
        if unknown:
            raise RuleError(f"unknown field(s): {', '.join(sorted(unknown))}")
        match = data.get("match", ".*")
        if not isinstance(match, str):
            raise RuleError("match must be a regular expression (a string)")
        try:
            re.compile(match)
        except re.error as exc:
            raise RuleError(f"match is not a valid regular expression: {exc}") from None
        stage = data.get("stage", "rcpt")
        if stage not in STAGES:
            raise RuleError(f"stage must be one of {', '.join(STAGES)}")
        code = _int(data, "code", None, 200, 599)
        if code is None or 300 <= code < 400:
            raise RuleError("code must be an SMTP reply code: 2xx (accept, with delay_ms), 4xx or 5xx")
        times = _int(data, "times", None, 1, 10**9)
        delay_ms = _int(data, "delay_ms", 0, 0, 600_000)
        message = data.get("message")
        if message is not None and (not isinstance(message, str) or "\r" in message or "\n" in message
                                    or len(message) > 500):
            raise RuleError("message must be one line of at most 500 characters")
        with self._lock:
            rule = Rule(id=self._next_id, match=match, code=code, stage=stage, times=times, delay_ms=delay_ms,
                        message=message or default_message(code, self._next_id))
            self._next_id += 1
            self._rules.append(rule)
        return rule

    def match(self, stage: str, value: str) -> Rule | None:
        """The first active rule of ``stage`` matching ``value``; counts the hit."""
        with self._lock:
            for rule in self._rules:
                if rule.stage == stage and rule.active and rule.pattern.search(value):
                    rule.hits += 1
                    return rule
        return None

    def match_any(self, stage: str, values: list[str]) -> Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.stage == stage and rule.active and any(rule.pattern.search(v) for v in values):
                    rule.hits += 1
                    return rule
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def active(self) -> list[dict[str, Any]]:
        return [r for r in self.list() if r["active"]]

    def delete(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> int:
        with self._lock:
            gone, self._rules = len(self._rules), []
            return gone
