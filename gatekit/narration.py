"""The chain rule in words: one line per backward step, the local factor named by its gate.

`df/dq = df/df · ∂(q * z)/∂q = 1 · z = 1 · -4 = -4`: the local factor is written as the gate's
partial derivative (never as `df/dq` again, which would read A = 1·A), then as its formula over
the circuit's names where gatekit knows one, then as numbers. A wire used more than once gets
one line per use with the running total, and its last use states the sum of every use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from . import gates
from .gates import Constant, Gate, Unit
from .numbers import fmt

__all__ = ["fmt", "narrate", "local_formula", "partial", "chain_line", "ordinal", "sum_of"]

NameOf = Callable[[Unit], str]
_SUMMED_TERMS = 6  # a total lists this many contributions at most, then just counts them


def narrate(made: Iterable[tuple[Gate, Unit]], name_of: NameOf,
            out: str) -> Iterator[tuple[Gate, Unit, float, float, str]]:
    """Each use of a wire by a gate, in the order given (backward's), after the backward pass
    ran: the gate, the wire, the gate's output grad, the local factor and the line that says it.
    `made` pairs each gate with its output; constants get no line."""
    uses = [(gate, gate_out, unit, local, position)
            for gate, gate_out in made
            for position, (unit, local) in _positioned(gate)
            if not isinstance(unit, Constant)]
    count: dict[int, int] = {}
    for _, _, unit, _, _ in uses:
        count[id(unit)] = count.get(id(unit), 0) + 1
    terms: dict[int, list[float]] = {}
    for gate, gate_out, unit, local, position in uses:
        to = name_of(unit)
        line = chain_line(out, name_of(gate_out), to, partial(gate, unit, position, name_of),
                          local_formula(gate, position, name_of), gate_out.grad, local)
        so_far = terms.setdefault(id(unit), [])
        so_far.append(gate_out.grad * local)
        if count[id(unit)] == 1:
            text = f"d{out}/d{to} = {line}"
        else:
            text = f"from the {ordinal(len(so_far))} of {count[id(unit)]} uses of {to}: {line}"
            total = fmt(sum(so_far))
            text += (f"; d{out}/d{to} = {sum_of(so_far)} = {total}"
                     if len(so_far) == count[id(unit)] else f"; running total {total}")
        yield gate, unit, gate_out.grad, local, text


def _positioned(gate: Gate) -> list[tuple[int | None, tuple[Unit, float]]]:
    """The gate's uses (`Gate.uses`), each with the input position it stands for: one per
    input, or (None) one per wire, for a learner's gate that takes a wire twice."""
    uses = gate.uses()
    if len(uses) == len(gate.inputs):
        return list(enumerate(uses))
    return [(None, use) for use in uses]


def local_formula(gate: Gate, position: int | None, name_of: NameOf) -> str | None:
    """∂(gate's output)/∂(its input at `position`) as a formula over names, ready to be
    multiplied (a sum or negation comes in parentheses); None where the local factor is best
    said as a number (add, sub, neg, max, relu, a constant factor) or the gate is a learner's."""
    if position is None:
        return None
    names = [name_of(unit) for unit in gate.inputs]
    out = name_of(gate.output)
    formula: str | None = None
    if isinstance(gate, gates.MulGate):
        formula = names[1 - position]
    elif isinstance(gate, gates.DivGate):
        formula = f"1/{names[1]}" if position == 0 else f"(-{names[0]}/{names[1]}**2)"
    elif isinstance(gate, gates.PowGate):
        n = gate.exponent
        formula = None if n in (0.0, 1.0) else (
            f"{fmt(n)}·{names[0]}" if n == 2.0 else f"{fmt(n)}·{names[0]}**{fmt(n - 1.0)}")
    elif isinstance(gate, gates.SigmoidGate):
        formula = f"{out}·(1 - {out})"
    elif isinstance(gate, gates.TanhGate):
        formula = f"(1 - {out}**2)"
    elif isinstance(gate, gates.ExpGate):
        formula = out
    return None if formula is None or _is_number(formula) else formula


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def partial(gate: Gate, unit: Unit, position: int | None, name_of: NameOf) -> str:
    """The local factor's symbol, ∂(x * y)/∂x; where the gate takes the same wire twice
    (`a * a`) and each place is one use (`position`), the input is named by its place,
    ∂(a * a)/∂(left a); with no position the factor is the whole partial for the wire."""
    described = gate.describe(name_of)
    called = described.startswith(f"{gate.symbol}(")  # σ(s), max(x, y): already one term
    whole = described if called else f"({described})"
    name = name_of(unit)
    if position is not None and sum(other is unit for other in gate.inputs) > 1:
        place = ("left", "right")[position] if not called else ordinal(position + 1)
        name = f"({place} {name})"
    return f"∂{whole}/∂{name}"


def chain_line(out: str, via: str, to: str, factor: str, formula: str | None,
               upstream: float, local: float) -> str:
    """`d{out}/d{via} · factor = upstream · formula = upstream · local = product`: the
    contribution of one use of a wire, without saying what it adds up to."""
    numbers = f"{fmt(upstream)} · {fmt(local)} = {fmt(upstream * local)}"
    named = f"{fmt(upstream)} · {formula} = " if formula is not None else ""
    return f"d{out}/d{via} · {factor} = {named}{numbers}"


def sum_of(terms: list[float]) -> str:
    """`3 + (-1) + 2` for a few terms, `the sum of its 40 uses` for many."""
    if len(terms) > _SUMMED_TERMS:
        return f"the sum of its {len(terms)} uses"
    return " + ".join(fmt(term) if term >= 0 else f"({fmt(term)})" for term in terms)
