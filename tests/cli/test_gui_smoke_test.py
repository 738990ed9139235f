"""`tpi-desk gui --smoke-test`: the installer's check signs in, shows the main window, closes it.

``.ci/build_app`` runs it on the frozen app; here it runs on the checkout, in a real process
(offscreen), so that the flag itself is known to work before anything is frozen.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.cli.conftest import Run
from tpi_desk.ui.smoke_test import CLOSED_LINE, SHOWN_LINE

TpiDesk = Callable[..., Run]


def test_the_smoke_test_signs_in_shows_the_main_window_and_closes_it(
    tpi_desk: TpiDesk, sqlite_url: str
) -> None:
    made = tpi_desk("demo-data", "--patients", "2", "--sessions", "3", database=sqlite_url)
    assert made.status == 0, made.stderr

    refused = tpi_desk("gui", "--smoke-test", database=sqlite_url, operator="demo.nobody")
    done = tpi_desk("gui", "--smoke-test", database=sqlite_url)

    assert refused.status == 1
    assert SHOWN_LINE not in refused.stdout
    assert "smoke test failed: signing in as demo.nobody was refused" in refused.stderr
    assert done.status == 0, done.stderr
    assert done.stdout.splitlines() == [SHOWN_LINE, CLOSED_LINE]


def test_the_smoke_test_needs_an_operator(tpi_desk: TpiDesk, sqlite_url: str) -> None:
    done = tpi_desk("gui", "--smoke-test", database=sqlite_url, operator=None)

    assert done.status == 1
    assert "--smoke-test` signs in as --user NAME" in done.stderr
