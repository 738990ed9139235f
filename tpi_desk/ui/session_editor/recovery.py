"""Crash-recovery copies of the editor's raw fields: one per open session, named by a key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tpi_desk.services.sessions.draft_recovery import DraftRecoveryStore
from tpi_desk.ui.session_editor.form_state import RawSession, raw_from_payload, raw_to_payload

RECOVERY_FOLDER = "recovery"
PAYLOAD_FORMAT = "tpi-desk/session-editor@1"


def recovery_key(patient_id: int, session_id: int | None) -> str:
    """``session-12`` for a saved draft, ``patient-7-new`` for a session never saved."""
    return f"session-{session_id}" if session_id is not None else f"patient-{patient_id}-new"


@dataclass(frozen=True, slots=True)
class RecoveredSession:
    """What was typed in an editor that closed without saving it."""

    key: str
    patient_id: int
    session_id: int | None
    version: int | None
    saved_at: datetime
    form: RawSession


class RecoveryKeeper:
    """Writes, finds and discards the copies; the payload also names patient, session, version."""

    def __init__(self, data_dir: Path) -> None:
        self.store = DraftRecoveryStore(data_dir / RECOVERY_FOLDER)

    def write(
        self, patient_id: int, session_id: int | None, version: int | None, raw: RawSession
    ) -> None:
        self.store.save(
            recovery_key(patient_id, session_id),
            {
                "format": PAYLOAD_FORMAT,
                "patient_id": patient_id,
                "session_id": session_id,
                "version": version,
                "form": raw_to_payload(raw),
            },
        )

    def discard(self, patient_id: int, session_id: int | None) -> None:
        self.store.discard(recovery_key(patient_id, session_id))

    def find(self, patient_id: int, session_id: int | None) -> RecoveredSession | None:
        key = recovery_key(patient_id, session_id)
        if not self.store.has(key):
            return None
        return next((found for found in self.all() if found.key == key), None)

    def all(self) -> list[RecoveredSession]:
        """Every readable copy, newest first."""
        recovered = []
        for draft in self.store.load_all():
            payload = draft.payload
            patient_id = _whole(payload.get("patient_id"))
            form = payload.get("form")
            if (
                payload.get("format") != PAYLOAD_FORMAT
                or patient_id is None
                or not isinstance(form, dict)
            ):
                continue
            recovered.append(
                RecoveredSession(
                    key=draft.key,
                    patient_id=patient_id,
                    session_id=_whole(payload.get("session_id")),
                    version=_whole(payload.get("version")),
                    saved_at=draft.saved_at,
                    form=raw_from_payload(form),
                )
            )
        return recovered


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
