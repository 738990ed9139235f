"""Every claim file is checked with pyx12 (the 005010X222A1 maps and code sets) before it is
put in place: a file a payer's front end would reject is never written.

pyx12 reports through its JSON error document; its log messages are kept off the terminal.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_SHOWN = 5


def x12_problems(path: Path) -> list[str]:
    """What pyx12 finds wrong in the X12 file at ``path`` (empty: it validates)."""
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL)
    logger.propagate = False
    report = io.StringIO()
    try:
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), str(path), fd_997=io.StringIO(), fd_html=None, fd_json=report
        )
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
    found = list(_errors(json.loads(report.getvalue() or "{}")))
    if not valid and not found:
        found.append("the file was rejected without a named error")
    return found


def _errors(node: Any, where: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        here = f"line {node.get('cur_line')} {node['seg_id']}" if "seg_id" in node else where
        for error in node.get("errors") or []:
            text = error.get("err_str", error) if isinstance(error, dict) else error
            yield f"{here}: {text}" if here else str(text)
        for key, value in node.items():
            if key != "errors":
                yield from _errors(value, here)
    elif isinstance(node, list):
        for item in node:
            yield from _errors(item, where)
