"""Numbers as readouts write them: short, whatever their size (core; imports nothing heavy)."""

from __future__ import annotations

import math

__all__ = ["fmt", "FIXED_BELOW"]

FIXED_BELOW = 1e6  # a readout with decimals writes numbers this large in exponent notation


def fmt(x: float, decimals: int | None = None, sign: bool = False) -> str:
    """A number as a person writes it, and never longer than a readout line: by default four
    significant digits (-3 not -3.0, 1.014e+304); with `decimals`, that many decimals (0.8808),
    in exponent notation when the number is 1e6 or more or would show as zero (1.0142e+304,
    5.0000e-07). `sign` writes + on positive numbers. inf and nan are written as such."""
    plus = "+" if sign else ""
    x = x + 0.0  # -0.0 becomes 0.0: a readout never shows a signed zero
    if decimals is None:
        return f"{x:{plus}.4g}"
    if x != 0 and math.isfinite(x) and not 10.0**-decimals <= abs(x) < FIXED_BELOW:
        return f"{x:{plus}.{decimals}e}"
    return f"{x:{plus}.{decimals}f}"
