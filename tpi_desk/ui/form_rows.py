"""A form's labelled rows, some holding several fields side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QWidget

FormRows = Sequence[tuple[str, Sequence[str]]]


def lay_out_rows(
    owner: QWidget,
    rows: FormRows,
    boxes: Mapping[str, QWidget],
    stretch: Mapping[str, int] | None = None,
) -> None:
    """Give ``owner`` a margin-less form: each row's label, then the boxes of its fields
    (a field with its error label), several in a row sharing it by ``stretch`` (default 1)."""
    form = QFormLayout(owner)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for label, names in rows:
        if len(names) == 1:
            form.addRow(label, boxes[names[0]])
            continue
        row = QHBoxLayout()
        for name in names:
            row.addWidget(boxes[name], (stretch or {}).get(name, 1))
        form.addRow(label, row)
