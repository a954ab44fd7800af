"""The one table renderer: a DataFrame as aligned text, Markdown, HTML, CSV or JSON."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

__all__ = ["FORMATS", "render_table"]

FORMATS = ("text", "markdown", "html", "csv", "json")


def _cell(value: object, digits: int) -> str:
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else f"{value:.{digits}g}"
    return str(value)


def render_table(frame: pd.DataFrame, fmt: str = "text", digits: int = 4) -> str:
    """``frame`` rendered in ``fmt``; floats to ``digits`` significant figures (text, Markdown, HTML)."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return frame.to_json(orient="records", indent=2)
    headers = [str(column) for column in frame.columns]
    rows = [[_cell(value, digits) for value in row] for row in frame.itertuples(index=False)]
    if fmt == "text":
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        return "\n".join(lines)
    if fmt == "markdown":
        escape = lambda text: text.replace("|", "\\|")  # noqa: E731
        lines = ["| " + " | ".join(map(escape, headers)) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(map(escape, row)) + " |" for row in rows]
        return "\n".join(lines)
    if fmt == "html":
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    raise ValueError(f"unknown table format {fmt!r}; choose one of {', '.join(FORMATS)}")
