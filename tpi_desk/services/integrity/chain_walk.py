"""Walking a hash chain in sequence order: gaps, broken links and a truncated head."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Select

from tpi_desk.services.integrity.canonical import GENESIS_HASH

if TYPE_CHECKING:
    from tpi_desk.services.integrity.key_check import KeyCheck

# Told how far a long check is: (what, done, total), e.g. ("Checking signatures", 412, 1000).
Progress = Callable[[str, int, int], None]


def no_progress(what: str, done: int, total: int) -> None:
    """The ``Progress`` of a check nobody watches."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing ``tpi-desk verify`` found: what was altered, removed or added, in words."""

    chain: str  # "signatures", "audit" or "database"
    message: str


@dataclass(frozen=True, slots=True)
class ChainTip:
    """The newest entry of a chain as walked: write it down somewhere else now and then,
    and a later rewrite of the whole chain shows too."""

    sequence: int
    hash: str


def id_ranges(ids: list[int]) -> list[tuple[int, int]]:
    """``[1, 2, 3, 7, 9, 10]`` -> ``[(1, 3), (7, 7), (9, 10)]`` (ids sorted ascending)."""
    ranges: list[tuple[int, int]] = []
    for number in ids:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges


def numbers(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


@dataclass(slots=True)
class ChunkWalk:
    """What one chunk of a chain found, walked on its own (verify checks chunks side by
    side): its first entry, to join it to the entry before, where it ended, how many
    entries it had, how many of each kind, and its findings in chain order."""

    first: tuple[int, str, str] | None = None  # sequence, previous hash, own hash
    last_sequence: int = 0
    last_hash: str = ""
    count: int = 0
    findings: list[Finding] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)


# A chunk of a chain: the entries numbered after + 1 .. upto (None: to the end); the first
# chunk (after 0) also takes any entry numbered 0 or below.
ChunkRange = tuple[int, int | None]


class ChunkRunner(Protocol):
    """Checks chunks of the two chains, in this process or side by side, and gives back
    their results in the order of ``ranges``."""

    def links(self, keys: KeyCheck, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]: ...

    def audit(self, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]: ...


def chunk_ranges(total: int, size: int) -> list[ChunkRange]:
    """Chunks of ``size`` entries up to ``total`` (the head), then an open one for any entry
    numbered beyond the head (none, unless added outside the app)."""
    bounds = [*range(0, total, size), total]
    return [*pairwise(bounds), (total, None)]


def in_range(query: Select[Any], sequence: Any, after: int, upto: int | None) -> Select[Any]:
    """``query`` limited to a chunk's entries; the first chunk (``after`` 0) also takes any
    entry numbered 0 or below, which the walk then names."""
    if after > 0:
        query = query.where(sequence > after)
    return query if upto is None else query.where(sequence <= upto)


class ChainWalk:
    """Checks that entries come 1, 2, 3, ... and that each follows the hash before it."""

    def __init__(self, chain: str, noun: str, describe: Callable[[int], str]) -> None:
        self._chain = chain
        self._noun = noun  # "signature" / "audit entry"
        self._describe = describe
        self.last_sequence = 0
        self.last_hash = GENESIS_HASH
        self.count = 0

    def step(self, sequence: int, previous_hash: str, own_hash: str) -> Sequence[Finding]:
        """Findings about the entry numbered ``sequence`` (stored hashes, in order)."""
        expected = self.last_sequence + 1
        if sequence == expected and previous_hash == self.last_hash:  # the usual case
            self.last_sequence = sequence
            self.last_hash = own_hash
            self.count += 1
            return ()
        findings = []
        if sequence > expected:
            findings.append(self._missing(expected, sequence - 1, ""))
        elif previous_hash != self.last_hash:
            findings.append(
                Finding(
                    self._chain,
                    f"{self._describe(sequence)} does not follow {self._noun} "
                    f"#{self.last_sequence}: entries were inserted, reordered or altered "
                    "outside the app",
                )
            )
        self.last_sequence = sequence
        self.last_hash = own_hash
        self.count += 1
        return findings

    def join(self, chunk: ChunkWalk) -> list[Finding]:
        """Continue the walk with a chunk walked on its own: its first entry is stepped
        here (does it follow the entry before?), the rest was checked by the chunk."""
        if chunk.first is None:
            return []
        findings = [*self.step(*chunk.first), *chunk.findings]
        self.last_sequence, self.last_hash = chunk.last_sequence, chunk.last_hash
        self.count += chunk.count - 1
        return findings

    def finish(self, head_sequence: int | None, head_hash: str | None) -> list[Finding]:
        """Compare the last entry with the chain's head row."""
        if head_sequence is None or head_hash is None:
            return [Finding(self._chain, f"the head of the {self._chain} chain was removed")]
        if head_sequence > self.last_sequence:
            return [self._missing(self.last_sequence + 1, head_sequence, " (the newest)")]
        if head_sequence < self.last_sequence:
            return [
                Finding(
                    self._chain,
                    f"{self._noun} {numbers(head_sequence + 1, self.last_sequence)} "
                    "were added after the chain's head: inserted outside the app",
                )
            ]
        if head_hash != self.last_hash:
            return [
                Finding(
                    self._chain,
                    f"{self._describe(self.last_sequence)} (the newest) does not match the "
                    "chain's head: altered or replaced outside the app",
                )
            ]
        return []

    def _missing(self, first: int, last: int, which: str) -> Finding:
        verb = "is" if first == last else "are"
        return Finding(
            self._chain,
            f"{self._noun} {numbers(first, last)}{which} {verb} missing: removed outside the app",
        )
