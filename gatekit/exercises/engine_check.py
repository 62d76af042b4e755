"""Checking a learner's own autograd engine: a value class shaped like micrograd's, with
gatekit's names -- `V(number)`, attributes `value` and `grad`, operators that return new
instances, and `backward()` on the output.

The class is run on small circuits, each built to expose one classic mistake, and compared with
`gk.Circuit` on the same expression; the first failing one gives the verdict's sentence:

1. forward values of every operation, alone and in random expressions;
2. the output's grad seeded with 1 (`a * b` alone);
3. each operation's backward rule, its inputs distinct leaves (so nothing else can go wrong);
4. a value used twice (`a * a`, `a + a`, `a * b + a`), where `=` instead of `+=` loses a use;
5. a diamond whose shared node is reached by paths of different lengths: without a topological
   order it passes its gradient on before all of it has arrived;
6. seeded random expressions over every operation, sharing values;
7. a chain 10,000 additions deep, where a recursive walk meets Python's recursion limit;
8. a second `backward()` without zeroing, reported (what happens), not judged.

Operations are those the class offers of `+ - * / **` (by a number) and the methods `relu`,
`tanh`, `exp`, `sigmoid`; `+` and `*` are required. The learner's code runs under the time limit
and error policy of `running`, as in `check`.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import functions
from ..circuit import Circuit, fmt
from ..errors import RefusedType, RefusedValue
from ..units import Unit, check_whole
from .backward_check import draw
from .running import LearnerCodeFailed, run, show
from .verdicts import TOLERANCE, CheckResult, at, close, join

__all__ = ["check_engine", "ENGINE_OPS", "CHAIN_DEPTH"]

CHAIN_DEPTH = 10_000  # additions in the long chain a backward must get through
_DEPTHS = (100, 200, 400, 800, 1_600, 3_200, 6_400)  # where a failing chain is located
_RULE_POINTS = 3  # random points each operation's rule is checked at
_ACCUMULATE = (
    "Frameworks add on purpose: the gradient of a sum of losses, or of several batches, is then"
    " one backward() per part, so zeroing is left to you (PyTorch's `optimizer.zero_grad()`"
    " before each step)."
)


@dataclass(frozen=True)
class _Op:
    """One operation: how the learner's class and gatekit apply it, and where it is checked."""

    arity: int
    learner: Callable[..., Any]
    reference: Callable[..., Unit]
    text: str  # the expression, '{0} + {1}'
    fits: Callable[..., bool]  # whether the inputs' values are a fair place to check it


def _anywhere(*values: float) -> bool:
    return True


def _power(exponent: float, fits: Callable[[float], bool]) -> _Op:
    return _Op(1, lambda a: a ** exponent, lambda a: a ** exponent, f"{{0}}**{exponent:g}",
               fits)


def _method(name: str, fits: Callable[..., bool] = _anywhere) -> _Op:
    return _Op(1, lambda a: getattr(a, name)(), getattr(functions, name), f"{{0}}.{name}()", fits)


_VARIANTS: dict[str, tuple[_Op, ...]] = {
    "+": (_Op(2, lambda a, b: a + b, lambda a, b: a + b, "({0} + {1})", _anywhere),),
    "*": (_Op(2, lambda a, b: a * b, lambda a, b: a * b, "{0} * {1}", _anywhere),),
    "-": (_Op(2, lambda a, b: a - b, lambda a, b: a - b, "({0} - {1})", _anywhere),),
    "/": (_Op(2, lambda a, b: a / b, lambda a, b: a / b, "{0} / {1}",
              lambda a, b: abs(b) >= 0.5),),
    "**": (_power(2, _anywhere), _power(3, lambda a: abs(a) <= 3),
           _power(-1, lambda a: abs(a) >= 0.5), _power(0.5, lambda a: a >= 0.25)),
    "relu": (_method("relu", lambda a: abs(a) >= 1e-3),),
    "tanh": (_method("tanh"),),
    "exp": (_method("exp", lambda a: a <= 5),),
    "sigmoid": (_method("sigmoid"),),
}
ENGINE_OPS = tuple(_VARIANTS)
_DUNDERS = {"+": "__add__", "*": "__mul__", "-": "__sub__", "/": "__truediv__", "**": "__pow__"}


class _Stop(Exception):
    """The check ends here: `status` ('wrong', 'error' or 'blank') and the sentence why."""

    def __init__(self, status: str, sentence: str) -> None:
        super().__init__(sentence)
        self.status = status
        self.sentence = sentence if sentence.endswith((".", "?", "!")) else sentence + "."


@dataclass(frozen=True, repr=False)  # CheckResult's repr: the message
class EngineCheckResult(CheckResult):
    """check_engine's verdict: what passed, the first mistake, and what a second backward does."""

    notes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The verdict, the checks passed so far, and the notes."""
        if self.status == "correct":
            lines = [f"✓ {self.title}: {join(self.right)} all match {self.against}."]
        else:
            lines = [f"✗ {self.title}: {self.problem}"]
            if self.right:
                lines.append(f"  Right so far: {join(self.right)}.")
        return "\n".join(lines + [f"  {note}" for note in self.notes])


# ----- the expressions ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Step:
    op: _Op
    operands: tuple[int, ...]  # indices into the nodes before this step


@dataclass(frozen=True)
class _Plan:
    """An expression: leaf values, then steps each making one node; the last node is the output."""

    leaves: tuple[float, ...]
    steps: tuple[_Step, ...]
    text: str = ""  # how the verdict names it; the steps' own text when empty

    def build(self, leaf: Callable[[float], Any], learner: bool) -> list[Any]:
        """Every node, leaves first, made by `leaf` and the learner's or gatekit's operations."""
        nodes = [leaf(value) for value in self.leaves]
        for step in self.steps:
            apply = step.op.learner if learner else step.op.reference
            nodes.append(apply(*(nodes[i] for i in step.operands)))
        return nodes

    def names(self) -> list[str]:
        return [chr(ord("a") + i) for i in range(len(self.leaves))]

    def describe(self) -> str:
        if self.text:
            return self.text
        texts = self.names()
        for step in self.steps:
            texts.append(step.op.text.format(*(texts[i] for i in step.operands)))
        outer = self.steps[-1].op.text.startswith("(")  # a sum's brackets, needless outermost
        return texts[-1][1:-1] if outer else texts[-1]

    def point(self) -> str:
        """'at a = 1.5, b = -2'."""
        return at(dict(zip(self.names(), self.leaves, strict=True)))

    def where(self) -> str:
        """'in `a * b` at a = 1.5, b = -2'."""
        return f"in `{self.describe()}` {self.point()}"


def _single(op: _Op, rng: random.Random) -> _Plan:
    """`op` on distinct leaves at a random point where it fits."""
    while True:
        leaves = tuple(draw(rng) for _ in range(op.arity))
        if op.fits(*leaves):
            return _Plan(leaves, (_Step(op, tuple(range(op.arity))),))


def _random_plan(ops: Sequence[_Op], rng: random.Random, size: int = 6) -> _Plan:
    """Seeded random steps over `ops` on three leaves, each step at a point where it fits;
    operands lean to recent nodes (depth) but may be any earlier one (shared values)."""
    leaves = tuple(draw(rng) for _ in range(3))
    values = list(leaves)
    steps: list[_Step] = []
    while len(steps) < size:
        op = rng.choice(ops)
        recent = max(0, len(values) - 3)
        operands = tuple(rng.randrange(recent if rng.random() < 0.6 else 0, len(values))
                         for _ in range(op.arity))
        if not op.fits(*(values[i] for i in operands)):
            continue
        step = _Step(op, operands)
        values.append(_Plan(tuple(values), (_Step(op, operands),)).build(Unit, False)[-1].value)
        steps.append(step)
    return _Plan(leaves, tuple(steps))


_ADD, _MUL = _VARIANTS["+"][0], _VARIANTS["*"][0]
_USED_TWICE = (
    _Plan((1.5,), (_Step(_MUL, (0, 0)),)),
    _Plan((1.5,), (_Step(_ADD, (0, 0)),)),
    _Plan((1.5, -2.0), (_Step(_MUL, (0, 1)), _Step(_ADD, (2, 0)))),
)
# s = a * b feeds p = s + c and, two steps away, q = (s * d) * e; out = p * q.
_DIAMOND = _Plan(
    (1.5, -2.0, 0.5, 3.0, -1.5),
    (_Step(_MUL, (0, 1)), _Step(_ADD, (5, 2)), _Step(_MUL, (5, 3)), _Step(_MUL, (7, 4)),
     _Step(_MUL, (6, 8))),
    "(s + c) * (s * d * e) with s = a * b",
)


# ----- the check ------------------------------------------------------------------------------
def check_engine(
    value_class: type, ops: Iterable[str] | None = None, expressions: int = 20, seed: int = 0
) -> CheckResult:
    """Check a learner's value class against gk.Circuit, on `expressions` seeded random
    expressions and on circuits built to expose each classic mistake.

    `ops` names the operations to check (of ENGINE_OPS); by default every one the class offers.
    Something that is not a class, or an unknown op name, raises; everything the class does is
    the verdict's message.
    """
    if not isinstance(value_class, type):
        raise RefusedType("check_engine takes your value class itself (such as V), not"
                          f" {type(value_class).__name__} {show(value_class, 40)}")
    expressions = check_whole(expressions, "expressions", 1)
    names = _wanted_ops(ops)
    tolerance = TOLERANCE  # read before the learner's code runs
    engine = _Engine(value_class, tolerance)
    passed: list[str] = []
    notes: tuple[str, ...] = ()
    try:
        names = engine.offered(names, ops is None)
        variants = [variant for name in names for variant in _VARIANTS[name]]
        rng = random.Random(seed)
        singles = [_single(op, rng) for op in variants for _ in range(_RULE_POINTS)]
        randoms = [_random_plan(variants, rng) for _ in range(expressions)]
        engine.check_leaf()
        engine.check_forward(singles, randoms)
        passed.append(f"the forward values of {join(names)}")
        engine.check_has_backward()
        engine.check_seed()
        engine.check_rules(singles)
        passed.append(f"the backward rule{'s' if len(names) > 1 else ''} of {join(names)}")
        engine.check_used_twice()
        passed.append("a value used twice")
        engine.check_diamond()
        passed.append("a diamond")
        engine.check_random(randoms)
        passed.append(f"{expressions} random expression{'s' if expressions > 1 else ''}")
        engine.check_chain()
        passed.append(f"a chain {CHAIN_DEPTH:,} deep")
        notes = (engine.second_backward(), _ACCUMULATE)
    except _Stop as stop:
        return EngineCheckResult(value_class.__name__, stop.status, tuple(passed), (), (),
                                 expressions, stop.sentence, "gk.Circuit")
    return EngineCheckResult(value_class.__name__, "correct", tuple(passed), (), (), expressions,
                             against="gk.Circuit", notes=notes)


def _wanted_ops(ops: Iterable[str] | None) -> list[str]:
    """The op names asked for, in ENGINE_OPS order, refusing unknown ones (None: all)."""
    if ops is None:
        return list(ENGINE_OPS)
    if isinstance(ops, str):
        ops = [ops]
    if not isinstance(ops, Iterable):
        raise RefusedType(f"ops must be a list of op names such as ['+', '*'], not"
                          f" {type(ops).__name__}")
    wanted = list(ops)
    unknown = [op for op in wanted if not isinstance(op, str) or op not in _VARIANTS]
    if unknown:
        raise RefusedValue(f"check_engine knows no op {show(unknown[0], 20)}: choose from"
                           f" {', '.join(ENGINE_OPS)}")
    return [op for op in ENGINE_OPS if op in wanted]


class _Engine:
    """The learner's class under test: each check builds with it, runs it and compares."""

    def __init__(self, value_class: type, tolerance: float) -> None:
        self.cls: Any = value_class  # the learner's class: any attribute may be missing
        self.name = value_class.__name__
        self.tolerance = tolerance

    # ----- running the learner's code
    def _run(self, what: str, function: Callable[..., Any], *args: Any) -> Any:
        """run(), with a blank line (`...`) read as 'not written yet' and any failure a _Stop."""
        code = getattr(self.cls, "backward", None) if "backward" in what else self.cls.__init__
        try:
            return run(what, function, *args, learner=code)
        except LearnerCodeFailed as failure:
            if isinstance(failure.error, TypeError) and "ellipsis" in str(failure.error):
                raise _Stop("blank", "a line still reads `...`: fill it in and run the cell"
                            " again.") from None
            raise _Stop("error", failure.sentence) from None

    def build(self, plan: _Plan) -> list[Any]:
        """The plan's nodes made by the learner's class, each checked to be a new instance."""
        nodes = self._run(f"building `{plan.describe()}` with your {self.name}",
                          plan.build, self.cls, True)
        for step, node in zip(plan.steps, nodes[len(plan.leaves):], strict=True):
            if not isinstance(node, self.cls):
                arity = step.op.arity
                text = _Plan(plan.leaves[:arity], (_Step(step.op, (0, 1)[:arity]),))
                shown = f" {show(node, 30)}" if isinstance(node, int | float | str) else ""
                raise _Stop("error", f"`{text.describe()}` returned {type(node).__name__}{shown},"
                            f" not a {self.name}: each operation returns a new {self.name}"
                            " holding its result")
        return nodes

    def number(self, node: Any, attribute: str) -> float:
        """A node's value or grad (`data` read as value, as micrograd names it), refused unless
        a real number."""
        names = ("value", "data") if attribute == "value" else ("grad",)
        for name in names:
            if hasattr(node, name):
                number = getattr(node, name)
                break
        else:
            raise _Stop("error", f"a {self.name} has no `{attribute}`: store it in __init__ as"
                        f" `self.{attribute}`")
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _Stop("error", f"a {self.name}'s {attribute} is {type(number).__name__}"
                        f" {show(number, 30)}, not a number")
        return float(number)

    def backward(self, plan: _Plan, nodes: list[Any]) -> list[float]:
        """Run the learner's backward on the output; the leaves' grads."""
        self._run("your backward()", nodes[-1].backward)
        return [self.number(node, "grad") for node in nodes[: len(plan.leaves)]]

    def expected(self, plan: _Plan) -> tuple[list[float], list[float]]:
        """gatekit's values of every node and grads of the leaves, for force 1 on the output."""
        units = plan.build(Unit, False)
        Circuit(units[-1]).backward()
        return [u.value for u in units], [u.grad for u in units[: len(plan.leaves)]]

    # ----- the checks, in order
    def offered(self, names: list[str], any_offered: bool) -> list[str]:
        """The wanted ops the class has (by default, all it has); + and * are required."""
        def has(name: str) -> bool:
            return callable(getattr(self.cls, _DUNDERS.get(name, name), None))
        for name in ("+", "*") if any_offered else names:
            if not has(name):
                where = f"`{_DUNDERS[name]}`" if name in _DUNDERS else f"a method `{name}`"
                raise _Stop("error", f"your {self.name} has no {name}: write {where} that"
                            f" returns a new {self.name}")
        return [name for name in names if has(name)]

    def check_leaf(self) -> None:
        leaf = self._run(f"{self.name}(1.5)", self.cls, 1.5)
        value, grad = self.number(leaf, "value"), self.number(leaf, "grad")
        if value != 1.5 or grad != 0.0:
            raise _Stop("wrong", f"{self.name}(1.5) holds value {fmt(value)} and grad"
                        f" {fmt(grad)}: a new {self.name} keeps its number as value, grad 0")

    def check_forward(self, singles: list[_Plan], randoms: list[_Plan]) -> None:
        for plan in singles + randoms:
            nodes = self.build(plan)
            given, expected = self.number(nodes[-1], "value"), self.expected(plan)[0][-1]
            if not close(given, expected, self.tolerance):
                where = (f"the forward of `{plan.describe()}` is wrong: {plan.point()}"
                         if plan in singles else plan.where())
                raise _Stop("wrong", f"{where} your {self.name} gives {fmt(given)} where"
                            f" gk.Circuit gives {fmt(expected)}")

    def check_has_backward(self) -> None:
        if not callable(getattr(self.cls, "backward", None)):
            raise _Stop("blank", "backward() is not written yet.")

    def check_seed(self) -> None:
        plan = _Plan((1.5, -2.0), (_Step(_MUL, (0, 1)),))
        nodes = self.build(plan)
        grads = self.backward(plan, nodes)
        seed, expected = self.number(nodes[-1], "grad"), self.expected(plan)[1]
        if seed != 1.0 and not all(map(close, grads, expected, [self.tolerance] * 2)):
            raise _Stop("wrong", f"after backward() on `a * b` the output's grad is {fmt(seed)}"
                        " and a.grad, b.grad are " + " and ".join(map(fmt, grads)) + ": start"
                        " backward() with `self.grad = 1`, the output's gradient with respect to"
                        " itself, or nothing flows back")

    def compare(self, plan: _Plan) -> str:
        """'' when the learner's grads match gk.Circuit's on `plan`, else the numbers."""
        nodes = self.build(plan)
        given, expected = self.backward(plan, nodes), self.expected(plan)[1]
        if all(close(g, e, self.tolerance) for g, e in zip(given, expected, strict=True)):
            return ""
        wrong = [i for i, (g, e) in enumerate(zip(given, expected, strict=True))
                 if not close(g, e, self.tolerance)]
        names = plan.names()
        gives = " and ".join(f"{names[i]}.grad = {fmt(given[i])}" for i in wrong)
        should = " and ".join(fmt(expected[i]) for i in wrong)
        return f"{plan.where()} your {self.name} gives {gives} where gk.Circuit gives {should}"

    def check_rules(self, singles: list[_Plan]) -> None:
        for plan in singles:
            numbers = self.compare(plan)
            if numbers:
                op = plan.steps[0].op.text.format(*plan.names())
                raise _Stop("wrong", f"the backward rule of `{op}` is wrong: {numbers}")

    def check_used_twice(self) -> None:
        for plan in _USED_TWICE:
            numbers = self.compare(plan)
            if numbers:
                raise _Stop("wrong", f"a value used twice loses a use: {numbers}. Is there an"
                            " `=` where the rule needs `+=`? A value used twice collects the"
                            " gradient of each use, so every rule adds to grad, never sets it")

    def check_diamond(self) -> None:
        numbers = self.compare(_DIAMOND)
        if numbers:
            raise _Stop("wrong", f"no topological order: {numbers}. s feeds both factors, and it"
                        " passed its gradient on before both had added their part: run the"
                        " rules in topological order (each node after every node that uses it)")

    def check_random(self, randoms: list[_Plan]) -> None:
        for plan in randoms:
            numbers = self.compare(plan)
            if numbers:
                raise _Stop("wrong", numbers)

    def _chain(self, depth: int) -> str:
        """'' if backward gets through `depth` additions, else why not; RecursionError as 'deep'."""
        def build() -> tuple[Any, Any]:
            start = out = self.cls(0.5)
            for _ in range(depth):
                out = out + self.cls(0.25)
            return start, out
        start, out = self._run(f"building a chain of {depth:,} additions", build)
        try:
            run("your backward()", out.backward, learner=self.cls.backward)
        except LearnerCodeFailed as failure:
            if isinstance(failure.error, RecursionError):
                return "deep"
            raise _Stop("error", f"{failure.sentence}, on a chain of {depth:,} additions") from None
        grad = self.number(start, "grad")
        return "" if grad == 1.0 else f"the first value's grad is {fmt(grad)} where it should be 1"

    def check_chain(self) -> None:
        problem = self._chain(CHAIN_DEPTH)
        if problem == "deep":
            worked = [depth for depth in _DEPTHS if self._chain(depth) == ""]
            failed = next((depth for depth in _DEPTHS if depth not in worked), CHAIN_DEPTH)
            depth = (f"it worked at {max(worked):,} deep and failed at {failed:,}" if worked
                     else f"it failed already at {_DEPTHS[0]} deep")
            raise _Stop("wrong", f"your backward() raised RecursionError on a chain of"
                        f" {CHAIN_DEPTH:,} additions ({depth}): Python allows"
                        f" {sys.getrecursionlimit():,} nested calls, so a recursive walk fails on"
                        " a long graph. Walk it with an explicit stack (a list you append nodes"
                        " to and pop them from) instead")
        if problem:
            raise _Stop("wrong", f"on a chain of {CHAIN_DEPTH:,} additions, {problem}")

    def second_backward(self) -> str:
        """What a second backward() without zeroing does to the diamond's grads, in a sentence."""
        nodes = self.build(_DIAMOND)
        first = self.backward(_DIAMOND, nodes)
        second = self.backward(_DIAMOND, nodes)
        pairs = ", ".join(f"{name}.grad {fmt(f)} → {fmt(s)}"
                          for name, f, s in zip("ab", first, second, strict=False))
        if all(close(s, 2 * f, self.tolerance) for f, s in zip(first, second, strict=True)):
            return (f"A second backward() without zeroing doubles every grad ({pairs}): your"
                    " engine adds the second pass to the first, as PyTorch does.")
        if all(close(s, f, self.tolerance) for f, s in zip(first, second, strict=True)):
            return (f"A second backward() without zeroing leaves the grads as they were"
                    f" ({pairs}).")
        return (f"A second backward() without zeroing changes the grads by different factors"
                f" ({pairs}). (micrograd's backward does this: it sets the output's grad to 1"
                " again, while every other node keeps its grad and passes it on once more.)")
