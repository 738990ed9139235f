"""Who writes and signs: the default provider, the signer's name, and the password dialogs
that sign a note or add an addendum."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.permissions import Actor, allowed_kinds
from tpi_desk.ui.formatting import PROCEDURE_NAMES, format_date_time
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.password_confirm import password_attempt
from tpi_desk.ui.session_editor.addendum_dialog import AddendumDialog
from tpi_desk.ui.session_editor.draft_keeper import DraftKeeper
from tpi_desk.ui.session_editor.sign_dialog import ReasonRecorder, SignDialog


def sign_with_password(
    parent: QWidget,
    keeper: DraftKeeper,
    messages: UserMessages,
    analysis: SessionAnalysis,
    problems: Sequence[FieldProblem],
    *,
    signer_name: str,
    summary: str,
    override_reason: str = "",
    record_reason: ReasonRecorder | None = None,
) -> SessionRecord | None:
    """Show the checklist, hard stops and warnings and sign with the password typed (after
    ``record_reason`` stored the reason for a hard stop); the signed record, or None when
    cancelled or refused (a refusal is shown)."""
    signed: list[SessionRecord] = []
    failures: list[str] = []
    attempt = password_attempt(lambda password: signed.append(keeper.sign(password)), failures)
    SignDialog.ask(
        parent,
        analysis,
        problems,
        signer_name=signer_name,
        summary=summary,
        attempt=attempt,
        override_reason=override_reason,
        record_reason=record_reason,
    )
    if failures:
        messages.error(parent, "Could not sign the note", failures[0])
    return signed[0] if signed else None


def add_addendum_with_password(
    parent: QWidget,
    keeper: DraftKeeper,
    messages: UserMessages,
    *,
    author_name: str,
    summary: str,
) -> SessionRecord | None:
    """Ask for an addendum's text and the password that signs it; the amended record, or
    None when cancelled or refused (a refusal is shown)."""
    amended: list[SessionRecord] = []
    failures: list[str] = []

    def attempt(text: str, password: str) -> str | None:
        add = password_attempt(
            lambda typed: amended.append(keeper.add_addendum(text, typed)), failures
        )
        return add(password)

    text = AddendumDialog.ask(parent, author_name=author_name, summary=summary, attempt=attempt)
    if failures:
        messages.error(parent, "Could not add the addendum", failures[0])
    if text is None or not amended:
        return None
    return amended[0]


def session_summary(patient: PatientRecord, kind: ProcedureKind, when: datetime) -> str:
    """Who and what is being signed, as the sign and addendum dialogs show it."""
    return (
        f"{patient.facts.given_name} {patient.facts.family_name} (MRN {patient.facts.mrn})\n"
        f"{PROCEDURE_NAMES[kind]} · {format_date_time(when)}"
    )


def signer_name(actor: Actor | None, providers: Sequence[ProviderRecord]) -> str:
    """The signed-in user's display name, as the sign and addendum buttons show it."""
    if actor is None:
        return "(not signed in)"
    known = next((p for p in providers if p.id == actor.user_id), None)
    return known.facts.display_name if known is not None else actor.username


def default_provider_id(actor: Actor | None, providers: Sequence[ProviderRecord]) -> int | None:
    """The signed-in clinician when they may document; else the first clinician."""
    clinician = actor is not None and bool(allowed_kinds(actor.role, actor.credentials))
    if actor is not None and clinician and any(p.id == actor.user_id for p in providers):
        return actor.user_id
    return providers[0].id if providers else None
