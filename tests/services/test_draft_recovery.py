"""Crash-recovery files: exact round trips, atomic writes, corrupt files set aside, newest first."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tpi_desk.services.sessions.draft_recovery import DraftRecoveryStore, RecoveredDraft

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)

TYPED: dict[str, object] = {
    "patient_id": 17,
    "patient_name": "Zoë Ñúñez",
    "notes": "Łukasz Ødegård referred; Nguyễn Thảo interpreted.\nSecond line\ttabbed — “quoted”.",
    "sites": [
        {"muscle": "upper_trapezius", "side": "bilateral", "volume_ml": "1.0", "points": "2"},
        {"muscle": "", "side": "left", "volume_ml": "0,5", "points": ""},
    ],
    "ultrasound_guided": False,
    "pain_before": None,
    "weight_kg": 68.5,
    "emoji": "🩺",
}


def clock_at(*times: datetime) -> Callable[[], datetime]:
    remaining = iter(times)
    return lambda: next(remaining)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "recovery"


def test_a_draft_round_trips_exactly_with_accented_text(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))

    store.save("session-42", TYPED)

    assert store.load_all() == [RecoveredDraft("session-42", T0, TYPED)]
    written = (folder / "session-42.json").read_text(encoding="utf-8")
    assert "Zoë Ñúñez" in written and "🩺" in written  # UTF-8, not \\u escapes


def test_the_folder_is_made_on_first_save_and_kept_private(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))
    assert store.load_all() == []
    assert not store.has("new-session")
    assert not folder.exists()

    store.save("new-session", {"notes": "x"})

    assert store.has("new-session")
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "new-session.json").stat().st_mode) == 0o600


def test_saving_again_replaces_the_copy_and_leaves_no_temporary_files(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0, T0 + timedelta(seconds=3)))

    store.save("session-42", {"notes": "first"})
    store.save("session-42", {"notes": "second"})

    assert store.load_all() == [
        RecoveredDraft("session-42", T0 + timedelta(seconds=3), {"notes": "second"})
    ]
    assert sorted(path.name for path in folder.iterdir()) == ["session-42.json"]


def test_a_leftover_temporary_file_from_a_crash_is_ignored(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))
    store.save("session-42", {"notes": "kept"})
    # What a crash between write and rename leaves behind: a half-written temporary file.
    (folder / ".session-42.k3j9x.tmp").write_text('{"format": "tpi-desk/draft-rec', "utf-8")
    (folder / ".session-43.a8b1c.tmp").write_text("{", "utf-8")

    assert store.load_all() == [RecoveredDraft("session-42", T0, {"notes": "kept"})]
    assert not store.has("session-43")
    assert not list(folder.glob("*.corrupt"))


def test_a_failed_write_keeps_the_previous_copy(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0, T0 + timedelta(seconds=5)))
    store.save("session-42", {"notes": "before"})

    def disk_failure(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_failure)
    with pytest.raises(OSError, match="Input/output error"):
        store.save("session-42", {"notes": "after"})
    monkeypatch.undo()

    assert store.load_all() == [RecoveredDraft("session-42", T0, {"notes": "before"})]
    assert sorted(path.name for path in folder.iterdir()) == ["session-42.json"]


def test_a_payload_that_is_not_json_is_refused_before_touching_the_disk(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0, T0))

    with pytest.raises(TypeError):
        store.save("session-42", {"when": datetime(2026, 1, 1, tzinfo=UTC)})
    with pytest.raises(ValueError, match="JSON"):
        store.save("session-42", {"volume": float("nan")})

    assert not folder.exists()


def test_corrupt_files_are_skipped_and_moved_aside(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))
    store.save("good", {"notes": "Ødegård"})
    broken = {
        "truncated": b'{"format": "tpi-desk/draft-recovery@1", "saved_at": "2026-',
        "not-utf8": b'{"notes": "\xff\xfe"}',
        "a-list": b"[1, 2, 3]",
        "naive-time": json.dumps(
            {
                "format": "tpi-desk/draft-recovery@1",
                "saved_at": "2026-11-20T14:00:00",
                "payload": {},
            }
        ).encode(),
        "payload-not-object": json.dumps(
            {"format": "tpi-desk/draft-recovery@1", "saved_at": T0.isoformat(), "payload": [1]}
        ).encode(),
        "empty": b"",
    }
    for key, data in broken.items():
        (folder / f"{key}.json").write_bytes(data)

    assert store.load_all() == [RecoveredDraft("good", T0, {"notes": "Ødegård"})]
    for key, data in broken.items():
        assert not store.has(key)
        assert (folder / f"{key}.json.corrupt").read_bytes() == data
    assert store.load_all() == [RecoveredDraft("good", T0, {"notes": "Ødegård"})]


def test_a_second_corrupt_copy_of_one_key_keeps_the_first(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))
    store.save("good", {})
    (folder / "bad.json").write_text("first", "utf-8")
    store.load_all()
    (folder / "bad.json").write_text("second", "utf-8")

    store.load_all()

    assert (folder / "bad.json.corrupt").read_text("utf-8") == "first"
    assert (folder / "bad.json.1.corrupt").read_text("utf-8") == "second"


@pytest.mark.parametrize(
    "key", ["", "a" * 65, "../escape", "a/b", "session 42", "zoë", "x.json", ".hidden", "a\n"]
)
def test_bad_keys_are_refused(folder: Path, key: str) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))

    with pytest.raises(ValueError, match="draft key"):
        store.save(key, {"notes": "x"})
    with pytest.raises(ValueError, match="draft key"):
        store.has(key)
    with pytest.raises(ValueError, match="draft key"):
        store.discard(key)
    assert not folder.exists()


def test_the_longest_key_is_accepted(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0))
    key = "A-z_9" * 12 + "abcd"  # 64 characters

    store.save(key, {"n": 1})

    assert [draft.key for draft in store.load_all()] == [key]


def test_copies_come_back_newest_first(folder: Path) -> None:
    store = DraftRecoveryStore(
        folder,
        clock=clock_at(
            T0 + timedelta(minutes=2),  # b
            T0 + timedelta(minutes=9),  # c
            T0,  # a
            T0 + timedelta(minutes=12),  # b again: now the newest
        ),
    )
    for key in ("b", "c", "a", "b"):
        store.save(key, {"key": key})

    drafts = store.load_all()

    assert [(draft.key, draft.saved_at) for draft in drafts] == [
        ("b", T0 + timedelta(minutes=12)),
        ("c", T0 + timedelta(minutes=9)),
        ("a", T0),
    ]


def test_discard_removes_a_copy_and_a_missing_one_is_fine(folder: Path) -> None:
    store = DraftRecoveryStore(folder, clock=clock_at(T0, T0))
    store.save("session-1", {"notes": "one"})
    store.save("session-2", {"notes": "two"})

    store.discard("session-1")
    store.discard("session-1")
    store.discard("never-saved")

    assert not store.has("session-1")
    assert [draft.key for draft in store.load_all()] == ["session-2"]
    DraftRecoveryStore(folder / "missing").discard("anything")
