"""How `gk.parse` time grows with the text: a chain of unary signs (`---x`, one gate per sign)
is read in linear time, so the time per sign stays flat as the chain grows (the unit tests
check what is read; the time is measured here, never asserted there).

Run: .venv/bin/python bench/parse.py    Goal: under 1 s for 10,000 signs on a 2-core machine.
"""

import time

from machine import machine

import gatekit as gk

DEPTHS = (1_000, 2_900, 10_000, 30_000)


def parse_seconds(depth: int, repeats: int = 3) -> float:
    """The best of `repeats` parses of a chain of `depth` signs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        gk.parse("-" * depth + "x", x=2.0)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print(machine())
    print(f"{'signs':>8} {'seconds':>9} {'µs per sign':>12}")
    for depth in DEPTHS:
        seconds = parse_seconds(depth)
        print(f"{depth:>8,} {seconds:>9.3f} {seconds / depth * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
