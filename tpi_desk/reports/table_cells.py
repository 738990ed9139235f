"""Note tables whose cells' styles are worked out once per shape and then shared.

ReportLab gives every cell of every table its own ``CellStyle`` and applies each cell
command of the table's style (font, size, colour, padding, alignment) to every cell it
covers, one Python call per cell and command: about a tenth of a note's layout time, paid
again on every note of a batch for the same few table shapes. A cell's style depends only on
the commands and the table's size, so ``styled_table`` works them out once per (commands,
rows, columns) and hands the table the finished styles. ReportLab only reads cell styles
once they are set (splitting a table across pages shares them between the halves), so
tables may share them. Lines, backgrounds and spans stay with the table's own style.

``shaped_table`` goes one step further for the note's recurring tables (data tables,
label/value blocks, layout grids): their whole style is made and sorted into cell and table
commands once per shape, instead of once per table of every note.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
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
    rows, columns = _size(data)
    styled = _sorted_style(style, rows, columns, options)
    if styled is None:
        return Table(data, style=style, **options)  # (splitting inside a row edits styles)
    return _table(data, styled, options)


def shaped_table(
    data: Sequence[Sequence[Any]],
    shape: Hashable,
    make_style: Callable[[], TableStyle],
    **options: Any,
) -> Table:
    """``styled_table(data, make_style(), **options)``, with ``make_style`` called and its
    commands sorted only the first time this ``shape`` meets a table of this size.

    ``shape`` names everything ``make_style`` depends on besides the table's rows and
    columns (which are added to it), as hashable values (style objects, names, numbers).
    """
    rows, columns = _size(data)
    key = (shape, rows, columns, bool(options.get("splitInRow")))
    if key not in _SHAPES:
        if len(_SHAPES) >= SHAPES_REMEMBERED:
            _SHAPES.clear()
        _SHAPES[key] = _sorted_style(make_style(), rows, columns, options)
    styled = _SHAPES[key]
    if styled is None:
        return Table(data, style=make_style(), **options)
    return _table(data, styled, options)


# A shape's table commands (shared: a table copies them) and its cells' styles.
_SortedStyle = tuple[TableStyle, tuple[tuple[CellStyle, ...], ...]]
_SHAPES: dict[Hashable, _SortedStyle | None] = {}


def _size(data: Sequence[Sequence[Any]]) -> tuple[int, int]:
    return len(data), max((len(row) for row in data), default=0)


def _table(data: Sequence[Sequence[Any]], styled: _SortedStyle, options: dict[str, Any]) -> Table:
    table_style, cell_styles = styled
    return Table(data, style=table_style, cellStyles=[list(row) for row in cell_styles], **options)


def _sorted_style(
    style: TableStyle, rows: int, columns: int, options: dict[str, Any]
) -> _SortedStyle | None:
    """The table's own commands and the cells' styles; None where ReportLab must style the
    table itself (no cells, splitting inside a row, table options, unhashable values)."""
    if not rows or not columns or options.get("splitInRow") or _has_options(style):
        return None
    cell_commands: list[tuple[Any, ...]] = []
    table_commands: list[tuple[Any, ...]] = []
    for command in style.getCommands():
        is_cell = command[0] not in _TABLE_COMMANDS and not isinstance(command[1][1], str)
        (cell_commands if is_cell else table_commands).append(tuple(command))
    try:
        shared = _cell_styles(tuple(cell_commands), rows, columns)
    except TypeError:  # a command value that cannot be a cache key: style the usual way
        return None
    return TableStyle(table_commands), shared


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
