"""pandas helpers: the package imports pandas only when a frame is asked for."""
from __future__ import annotations

from typing import Any, Iterable


def frame(rows: Iterable[dict[str, Any]], columns: list[str] | None = None, index: str | None = None):
    """A DataFrame of `rows` (dicts), with `columns` in that order when given."""
    import pandas as pd

    df = pd.DataFrame(list(rows), columns=columns)
    if index is not None:
        df = df.set_index(index)
    return df


def scalar_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of a JSON object that are numbers, text, booleans or null."""
    return {k: v for k, v in item.items() if v is None or isinstance(v, (int, float, str, bool))}
