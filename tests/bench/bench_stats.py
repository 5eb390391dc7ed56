"""bench_stats.py: min/median/max over runs, and the rows of the one table `make bench` prints."""
import statistics


def spread(values):
    """(min, median, max) of a non-empty list."""
    values = sorted(values)
    return values[0], statistics.median(values), values[-1]


def human(value):
    """A number short enough for a table cell: 1.23M, 45.6k, 789, 0.123."""
    if value >= 10_000_000:
        return f"{value / 1e6:.1f}M"
    if value >= 1_000_000:
        return f"{value / 1e6:.2f}M"
    if value >= 10_000:
        return f"{value / 1e3:.1f}k"
    if value >= 100 or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.3g}"


class Row:
    """One line of the table: a measurement on one test bed over several runs, and its target.

    target: (text, op, limit) with op "<=" or ">=", compared with the median in the row's unit
    (scale converts the unit to the limit's, e.g. MiB to bytes); None when there is none.
    """

    def __init__(self, name, bed, unit, values, target=None, note="", scale=1):
        self.name, self.bed, self.unit, self.values = name, bed, unit, list(values)
        self.target, self.note, self.scale = target, note, scale

    def verdict(self):
        if not self.values:
            return "not measured"
        if self.target is None:
            return ""
        _, op, limit = self.target
        median = spread(self.values)[1] * self.scale
        if (median <= limit) if op == "<=" else (median >= limit):
            return "met"
        # How far off, as a share of the target: 1.73 against <= 1.1 is 57% over.
        off = (median / limit - 1) * 100 if op == "<=" else (1 - median / limit) * 100
        return f"**missed by {off:.0f}%**"

    def cells(self):
        if self.values:
            lo, mid, hi = (human(v) for v in spread(self.values))
            numbers = f"{lo} / {mid} / {hi}"
        else:
            numbers = "-"
        target = self.target[0] if self.target else ""
        return [self.name, self.bed, self.unit, numbers, str(len(self.values)), target, self.verdict(), self.note]


HEADER = ["measurement", "where", "unit", "min / median / max", "samples", "target", "", "notes"]


def markdown(rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def plain(rows):
    """The same table for a terminal: aligned columns, no markdown."""
    table = [HEADER[:7]] + [row.cells()[:7] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(7)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table)
