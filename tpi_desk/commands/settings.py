"""`tpi-desk settings list|set KEY VALUE`: the clinic's settings from a terminal.

Run by a signed-in administrator only (``--user``; see ``operator``), as in the GUI's clinic
settings. ``set`` takes the value as typed and reads it as the setting's type: ``true`` /
``false`` for switches, a whole number, text, or address lines separated by ``|``; the
setting's own check (the NPI's check digit, the EIN, the ZIP code) names what is wrong.
Every change is audited with its old and new value by the settings service.
"""

from __future__ import annotations

import argparse
from typing import NoReturn, TextIO

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.settings import CLINIC_SETTINGS, DeclaredSetting, clinic_setting
from tpi_desk.commands.reading_audit import record_after_reading
from tpi_desk.desk import Desk
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.permissions import Actor

LINE_SEPARATOR = "|"
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def run_settings(
    desk: Desk, args: argparse.Namespace, *, operator: Actor | None, stdout: TextIO, stderr: TextIO
) -> int:
    """Run one ``settings`` action on ``desk`` as ``operator``; returns the exit status."""
    if args.settings_action == "list":
        _print_settings(desk, operator, stdout)
        record_after_reading(
            lambda: desk.audit.record_command(operator, "settings list", "clinic settings listed"),
            stderr,
        )
        return 0
    key = args.key.strip()
    declared = clinic_setting(key)
    if declared is None:
        known = ", ".join(setting.key for setting in CLINIC_SETTINGS)
        _refuse(key, f"is not a clinic setting; the settings are: {known}")
    desk.settings.set_value(key, typed_value(declared, args.value), actor=operator)
    shown = _shown(getattr(desk.settings.load(actor=operator), declared.name))
    print(f"{key} ({declared.label}) is now {shown}.", file=stdout)
    return 0


def typed_value(declared: DeclaredSetting, text: str) -> object:
    """``text`` as typed on the command line, read as the setting's type (the settings
    service then checks it and names what is wrong)."""
    if declared.kind is bool:
        word = text.strip().lower()
        if word not in _TRUE | _FALSE:
            _refuse(declared.key, "must be true or false")
        return word in _TRUE
    if declared.kind is int:
        try:
            return int(text.strip())
        except ValueError:
            _refuse(declared.key, f"must be a whole number (not {text!r})")
    if declared.kind is str:
        return text.strip()
    return [line.strip() for line in text.split(LINE_SEPARATOR) if line.strip()]


def _print_settings(desk: Desk, operator: Actor | None, stdout: TextIO) -> None:
    settings = desk.settings.load(actor=operator)
    rows = [("KEY", "VALUE", "SETTING")] + [
        (declared.key, _shown(getattr(settings, declared.name)), declared.label)
        for declared in CLINIC_SETTINGS
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for key, value, label in rows:
        print(f"{key.ljust(widths[0])}  {value.ljust(widths[1])}  {label}".rstrip(), file=stdout)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return f" {LINE_SEPARATOR} ".join(value) or "(not set)"
    return str(value) if value != "" else "(not set)"


def _refuse(key: str, message: str) -> NoReturn:
    raise ValidationFailed([FieldProblem(f"settings.{key}", f"Setting {key}", message)])
