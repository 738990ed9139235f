"""Opens the desk (the database and every service, see ``tpi_desk.desk``) in a worker thread.

The first window (sign in, or create the administrator) needs only Qt, so it is shown
first; SQLAlchemy, the catalog, the database and the main window's code load behind it
while the user types. Signing in waits for them if the user is quicker.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from tpi_desk.clinical.record import Role
from tpi_desk.desk import DatabaseOpenError
from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import PermissionDenied, UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.background import run_in_background
from tpi_desk.ui.wait_cursor import wait_cursor

if TYPE_CHECKING:
    from tpi_desk.desk import Desk
    from tpi_desk.services.people.users import UserService
    from tpi_desk.ui.app_context import AppContext

# Failures the user is told about (and the app quits on); anything else is a bug.
LOAD_FAILURES = (DatabaseOpenError, UserError)


@dataclass(frozen=True)
class LoadedDesk:
    desk: Desk
    context: AppContext

    @property
    def users(self) -> UserService:
        return self.context.users


class DeskLoader:
    """Loads once, on ``start()`` (or the first ``wait()``), in a daemon thread."""

    def __init__(self, url: str, *, demo: bool = False) -> None:
        self._url = url
        self._demo = demo
        self._future: Future[LoadedDesk] = Future()
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        threading.Thread(target=self._run, name="tpi-desk-loader", daemon=True).start()

    def wait(self) -> LoadedDesk:
        """The loaded desk; raises what stopped it (one of ``LOAD_FAILURES``, or a bug)."""
        self.start()
        if not self._future.done():
            with wait_cursor():
                self._future.exception()  # waits without holding the GIL
        return self._future.result()

    def failure(self) -> BaseException | None:
        """What stopped loading, once it has stopped; None while loading or after success."""
        return self._future.exception() if self._future.done() else None

    def when_failed(self, owner: QObject, react: Callable[[BaseException], None]) -> None:
        """Call ``react(failure)`` in the UI thread if loading fails (while ``owner`` lives)."""

        def delivered(outcome: object) -> None:
            if isinstance(outcome, BaseException):
                react(outcome)

        run_in_background(owner, self._future.exception, delivered)

    def close(self) -> None:
        """Wait for loading to end (it may be writing demo data), then close the database."""
        if not self._started:
            return
        try:
            loaded = self._future.result()
        except LOAD_FAILURES:
            return
        loaded.desk.close()

    def _run(self) -> None:
        try:
            self._future.set_result(load_desk(self._url, demo=self._demo))
        except BaseException as error:  # handed to whoever waits, in the UI thread
            self._future.set_exception(error)


class PendingUsers:
    """The account checks the first window needs, answered once the desk has loaded."""

    def __init__(self, loader: DeskLoader) -> None:
        self._loader = loader

    def authenticate(self, username: str, password: str) -> Actor:
        return self._users().authenticate(username, password)

    def create_first_admin(self, username: str, display_name: str, password: str) -> UserRecord:
        return self._users().create_first_admin(username, display_name, password)

    def documentation_choices(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """The catalog's states and places of service (code -> name), for the clinic page."""
        documentation = self._context().catalog.documentation
        return documentation.states, documentation.places_of_service

    def set_clinic_setting(self, key: str, value: Any, *, actor: Actor) -> None:
        self._context().settings.set_value(key, value, actor=actor)

    def add_user(
        self,
        username: str,
        display_name: str,
        password: str,
        *,
        role: Role,
        credentials: str,
        npi: str,
        actor: Actor,
    ) -> UserRecord:
        return self._users().add_user(
            username,
            display_name,
            password,
            role=role,
            credentials=credentials,
            npi=npi,
            actor=actor,
        )

    def _context(self) -> AppContext:
        try:
            return self._loader.wait().context
        except DatabaseOpenError as error:
            raise UserError(error.message) from error

    def _users(self) -> UserService:
        try:
            return self._loader.wait().users
        except DatabaseOpenError as error:
            raise UserError(error.message) from error


def load_desk(url: str, *, demo: bool) -> LoadedDesk:
    """Open ``url`` (raising ``DatabaseOpenError``) and build every service the app uses."""
    from tpi_desk.clinical.catalog.code_set import prepare_in_background
    from tpi_desk.desk import Desk
    from tpi_desk.ui.app_context import AppContext

    import_module("tpi_desk.ui.main_window")  # here, so that signing in need not wait for it
    desk = Desk.open(url, check_integrity=False)
    prepare_in_background()  # the ICD-10-CM index, built once per computer
    try:
        context = AppContext.of(desk)
        if demo:
            _add_demo_data_if_empty(context)
        return LoadedDesk(desk, context)
    except BaseException:
        desk.close()
        raise


def _add_demo_data_if_empty(context: AppContext) -> None:
    """``--demo``: demo data as `tpi-desk demo-data` adds it, if the database has no patient;
    a database holding accounts or data demo data did not create is refused (told on stderr)."""
    from tpi_desk.services.settings.demo_database import DemoClaim
    from tpi_desk.ui.first_run import DEMO_PATIENTS, DEMO_SESSIONS, demo_admin_text

    if context.patients.search("", limit=1):
        print("tpi-desk: --demo ignored: the database already holds patients.", file=sys.stderr)
        return

    def tell(claim: DemoClaim) -> None:
        if claim.generated_password is not None:
            print(demo_admin_text(claim.generated_password), flush=True)

    try:
        context.demo_data.fill(
            None,
            admin_password=None,
            patients=DEMO_PATIENTS,
            sessions=DEMO_SESSIONS,
            on_claimed=tell,
        )
    except PermissionDenied as refusal:
        print(f"tpi-desk: --demo ignored: {refusal.message}", file=sys.stderr)
