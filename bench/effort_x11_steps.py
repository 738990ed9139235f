"""What the X11 walkthrough types, keyboard only: the first-start wizard, tasks A and B, the
switch to billing and task C, with the same values as the offscreen effort benchmark.

Each step is ``(kind, value)``. Actions (counted): ``key`` (one key or shortcut, xdotool's
names) and ``type`` (one field's value). Free: ``phase`` (count what follows under it),
``window`` (wait until a window whose title matches is shown), ``gone`` (wait until none
is), ``pause`` (seconds, to let the app settle), ``shot`` (a screenshot), ``later`` (the
patient returns: the app's clock moves on), ``exported`` (wait for the export's files).
"""

from __future__ import annotations

from effort_setup import ADMIN, BILLING, CLINIC_NAME, PHYSICIAN
from effort_tasks import Note

Step = tuple[str, str]
MAIN_WINDOW = "^TPI Desk$"


def _typed(*values: str, between: str = "Tab") -> list[Step]:
    """Values typed into consecutive fields, ``between`` pressed between them."""
    steps: list[Step] = []
    for number, value in enumerate(values):
        if number:
            steps.append(("key", between))
        steps.append(("type", value))
    return steps


def setup() -> list[Step]:
    admin, physician, billing = ADMIN.account, PHYSICIAN.account, BILLING.account
    return [
        ("phase", "setup"),
        ("window", "Set up TPI Desk"),
        *_typed(admin.username, ADMIN.name, admin.password, admin.password),
        ("key", "Return"),
        ("window", "The clinic"),
        ("type", CLINIC_NAME),
        ("key", "Return"),
        ("window", "First accounts"),
        *_typed(PHYSICIAN.name, physician.username),
        ("key", "Tab"),  # over the role (Physician)
        ("key", "Tab"),
        *_typed(PHYSICIAN.credentials, PHYSICIAN.npi, physician.password),
        ("key", "Tab"),
        *_typed(BILLING.name, billing.username, billing.password),
        ("key", "Return"),
        ("gone", "Set up TPI Desk"),
        ("window", MAIN_WINDOW),
        ("pause", "1.5"),
        ("shot", "01-main-window-administrator"),
    ]


def sign_in(phase: str, username: str, password: str, shot: str = "") -> list[Step]:
    """Switch user (Ctrl+Shift+L), then the account's name and password."""
    steps: list[Step] = [("phase", phase), ("key", "ctrl+shift+l"), ("window", "Sign in")]
    if shot:
        steps.append(("shot", shot))
    return [
        *steps,
        *_typed(username, password),
        ("key", "Return"),
        ("gone", "Sign in"),
        ("pause", "1.5"),
    ]


def task_a(note: Note) -> list[Step]:
    """A new patient (Ctrl+Shift+N), a new note (Ctrl+N), the header by its Alt keys, the
    diagnosis, two sites by the muscle type-ahead and the side letter (the second site's
    drug, volume and lot carried from the first), signed with Ctrl+Enter."""
    password = PHYSICIAN.account.password
    site = [("key", "ctrl+shift+a"), ("pause", "0.4"), ("type", "upper trap"), ("pause", "0.3")]
    return [
        ("phase", "task A"),
        ("key", "ctrl+shift+n"),
        ("window", "New patient"),
        *_typed(note.mrn, note.family_name, note.given_name, note.date_of_birth),
        ("shot", "02-new-patient"),
        ("key", "Return"),
        ("gone", "New patient"),
        ("pause", "1"),
        ("key", "ctrl+n"),
        ("pause", "1.5"),
        ("key", "alt+i"),
        ("type", note.position),
        ("key", "alt+t"),
        ("key", "alt+n"),
        ("type", note.pain_before),  # a whole score moves on to pain after
        ("type", note.pain_after),  # and on to consent obtained
        ("key", "space"),
        ("key", "alt+g"),
        ("type", note.diagnosis),
        ("pause", "0.5"),
        ("key", "Return"),
        *site,
        ("shot", "03-muscle-suggestions"),
        ("key", "Return"),
        ("key", "r"),  # the side; the cursor moves on to the drug
        ("pause", "0.3"),
        ("type", note.drug),
        *[("key", "Tab"), ("type", note.volume_ml), ("key", "Tab"), ("type", note.lot)],
        *[("key", "Tab"), ("type", note.expires)],
        *site,
        ("key", "Return"),
        ("key", "l"),
        ("pause", "1.5"),
        ("shot", "04-editor-two-sites"),
        ("key", "ctrl+Return"),
        ("window", "Sign note"),
        ("pause", "0.8"),
        ("shot", "05-sign-dialog"),
        ("type", password),
        ("key", "Return"),
        ("gone", "Sign note"),
        ("pause", "2"),
        ("shot", "06-signed-note"),
    ]


def task_b(note: Note) -> list[Step]:
    """Today's page, then: find the patient, Ctrl+D (a new note copied forward from the
    last signed one), the scores, consent, time-out, sign."""
    return [
        ("phase", "between tasks"),
        ("key", "ctrl+t"),
        ("later", ""),
        ("pause", "1"),
        ("phase", "task B"),
        ("key", "ctrl+f"),
        ("type", note.mrn),
        ("pause", "0.8"),
        ("key", "ctrl+d"),
        ("pause", "2"),
        ("shot", "07-copied-forward"),
        ("type", note.pain_before),
        ("type", note.pain_after),
        ("key", "space"),
        ("key", "alt+t"),
        ("pause", "0.5"),
        ("key", "ctrl+Return"),
        ("window", "Sign note"),
        ("pause", "0.8"),
        ("type", PHYSICIAN.account.password),
        ("key", "Return"),
        ("gone", "Sign note"),
        ("pause", "2"),
        ("shot", "08-task-b-signed"),
    ]


def task_c() -> list[Step]:
    return [
        ("phase", "task C"),
        ("key", "ctrl+e"),
        ("window", "Export for billing"),
        ("pause", "0.8"),
        ("shot", "09-export-dialog"),
        ("key", "Return"),
        ("exported", ""),
        ("pause", "1"),
        ("shot", "10-exported"),
        ("phase", "quit"),
        ("key", "Escape"),
        ("gone", "Export for billing"),
        ("key", "ctrl+q"),
    ]


def walkthrough() -> list[Step]:
    note = Note()
    physician, billing = PHYSICIAN.account, BILLING.account
    return [
        *setup(),
        *sign_in("sign in", physician.username, physician.password, shot="00-sign-in"),
        *task_a(note),
        *task_b(note),
        *sign_in("switch to billing", billing.username, billing.password),
        *task_c(),
    ]
