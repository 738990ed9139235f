"""Note tables whose cells' styles are worked out once per shape and then shared.

ReportLab gives every cell of every table its own ``CellStyle`` and applies each cell
command of the table's style (font, size, colour, padding, alignment) to every cell it
covers, one Python call per cell and command: about a tenth of a note's layout time, paid
again on every note of a batch for the same few table shapes. A cell's style depends only on
the commands and the table's size, so ``styled_table`` works them out once per (commands,
rows, columns) and hands the table the finished styles. ReportLab only reads cell styles
once they are set (splitting a table across pages shares them between the halves), so
tables may share them. Lines, backgrounds and spans stay with the table's own style.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.tables import LINECOMMANDS, CellStyle

# Commands that ReportLab keeps as the table's own (drawn or applied later), not per cell.
_TABLE_COMMANDS = frozenset(
    {"BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT", "ROUNDEDCORNERS"}
) | frozenset(LINECOMMANDS)
SHAPES_REMEMBERED = 512


def styled_table(data: Sequence[Sequence[Any]], style: TableStyle, **options: Any) -> Table:
    """``Table(data, style=style, **options)``, its cells styled from a shared computation.

    The same table as ReportLab would build (same cell styles, same drawing), built faster.
    """
    rows = len(data)
    columns = max((len(row) for row in data), default=0)
    if not rows or not columns or options.get("splitInRow") or _has_options(style):
        return Table(data, style=style, **options)  # (splitting inside a row edits styles)
    cell_commands: list[tuple[Any, ...]] = []
    table_commands: list[tuple[Any, ...]] = []
    for command in style.getCommands():
        is_cell = command[0] not in _TABLE_COMMANDS and not isinstance(command[1][1], str)
        (cell_commands if is_cell else table_commands).append(tuple(command))
    try:
        shared = _cell_styles(tuple(cell_commands), rows, columns)
    except TypeError:  # a command value that cannot be a cache key: style the usual way
        return Table(data, style=style, **options)
    return Table(
        data,
        style=TableStyle(table_commands),
        cellStyles=[list(row) for row in shared],
        **options,
    )


def _has_options(style: TableStyle) -> bool:
    """A style with table options (``spaceBefore`` ...) is applied by ReportLab itself."""
    return bool(style._opts) or hasattr(style, "spaceBefore") or hasattr(style, "spaceAfter")


@lru_cache(maxsize=SHAPES_REMEMBERED)
def _cell_styles(
    commands: tuple[tuple[Any, ...], ...], rows: int, columns: int
) -> tuple[tuple[CellStyle, ...], ...]:
    """The cells' styles of a ``rows`` x ``columns`` table with these cell commands, as
    ReportLab itself works them out (on an empty table of that size)."""
    blank = Table([[""] * columns for _row in range(rows)], style=TableStyle(list(commands)))
    return tuple(tuple(row) for row in blank._cellStyles)
