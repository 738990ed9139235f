"""The scope-of-practice table of scope.toml: state x procedure -> the professions allowed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tpi_desk.clinical.catalog.toml_tables import TomlTable, entry_tables, unique
from tpi_desk.clinical.credentials import Profession, profession_named
from tpi_desk.clinical.record import ProcedureKind

_FILE = "scope.toml"
EVERY_STATE = "*"


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """Who may perform ``procedure`` in ``state`` ("*": any state without its own row).

    ``verify``: the row is a default, the clinic checks its state's rules itself;
    ``remind_unless_acupuncture_certified``: allowed professions reminded to hold the state's
    acupuncture certification."""

    state: str
    procedure: ProcedureKind
    allowed: frozenset[Profession]
    message: str
    source: str
    as_of: date
    verify: bool = False
    remind_unless_acupuncture_certified: frozenset[Profession] = frozenset()
    reminder: str = ""


@dataclass(frozen=True, slots=True)
class ScopeTable:
    rules: Mapping[tuple[str, ProcedureKind], ScopeRule] = field(default_factory=dict)

    def rule_for(self, state: str, procedure: ProcedureKind) -> ScopeRule | None:
        """The state's own row, else the every-state default (None: no row at all)."""
        own = self.rules.get((state.upper(), procedure)) if state else None
        return own or self.rules.get((EVERY_STATE, procedure))

    def has_state_rules(self, procedure: ProcedureKind) -> bool:
        """Whether some state has a row of its own for ``procedure``."""
        return any(s != EVERY_STATE for s, kind in self.rules if kind is procedure)


def _professions(table: TomlTable, key: str) -> frozenset[Profession]:
    found = set()
    for name in table.texts(key):
        profession = profession_named(name)
        if profession is None:
            raise table.fail(f"{key}: {name!r} is not a known profession")
        found.add(profession)
    return frozenset(found)


def _rule(table: TomlTable) -> ScopeRule:
    state = table.text("state")
    if state != EVERY_STATE and not (len(state) == 2 and state.isalpha() and state.isupper()):
        raise table.fail(f'state must be a two-letter code or "*", not {state!r}')
    try:
        procedure = ProcedureKind(table.text("procedure"))
    except ValueError:
        raise table.fail("procedure must be trigger_point_injection or dry_needling") from None
    return ScopeRule(
        state=state,
        procedure=procedure,
        allowed=_professions(table, "allowed"),
        message=table.text("message"),
        source=table.text("source"),
        as_of=table.iso_date("as_of"),
        verify=table.flag("verify", default=False),
        remind_unless_acupuncture_certified=_professions(
            table, "remind_unless_acupuncture_certified"
        ),
        reminder=table.text("reminder", default=""),
    )


def load_scope(data: dict[str, Any]) -> ScopeTable:
    rules = [_rule(table) for table in entry_tables(data, _FILE, "rule")]
    keyed = unique(_FILE, ((f"{r.state} {r.procedure.value}", r) for r in rules))
    return ScopeTable({(r.state, r.procedure): r for r in keyed.values()})
