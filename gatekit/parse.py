"""A safe expression parser: text such as "(x + y) * z" becomes a Circuit, never through eval.

A small recursive-descent parser reads Python's tokens by the grammar below and builds the
gates as it goes; nothing outside the grammar has a meaning, so nothing else can run, and
anything else is refused with a ValueError that says what (quoting at most ~40 characters).

    sum     := product (("+" | "-") product)*
    product := signed (("*" | "/") signed)*
    signed  := ("+" | "-")* power
    power   := atom ("**" ("+" | "-")* atom)?      the exponent must come out a plain number
    atom    := number | name | name "(" sum ("," sum)* ")" | "(" sum ")"

Sums, products and signs are loops, so 10,000 terms need no recursion; parentheses and calls
nest at most MAX_DEPTH deep, and the text is at most MAX_LENGTH characters. A signed number
such as -3 is one constant, not a gate; the callable names are the gate functions and the
learner's own gate classes given as `gates=`.

A name is an input only if a learner would mean one: a Python identifier (`x²` is refused with
the hint `x ** 2`), not a gate function left uncalled (`relu + 1`), and not `e`, `pi`, `inf` or
`nan` -- which a learner would read as numbers, so they are refused with a sentence unless given
a start value (`parse("e * x", e=2.0)` says it is an input).
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import tokenize
from collections.abc import Callable, Mapping

from . import functions
from .circuit import Circuit
from .errors import RefusedType, RefusedValue
from .gates import Gate, Unit, check_number
from .units import as_unit

__all__ = ["parse", "FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH"]

# The calls an expression may make, with how many arguments each takes.
FUNCTIONS = {"max": 2, "relu": 1, "sigmoid": 1, "exp": 1, "log": 1, "tanh": 1}
MAX_DEPTH = 100  # parentheses and calls inside one another
MAX_LENGTH = 200_000  # characters: a flat sum of 10,000 terms fits several times over
_QUOTED = 40  # characters of the text a message quotes at most

# What is refused, by the token that starts it.
_REFUSED = {
    ".": "attribute access", "[": "indexing (or a list)", "{": "a dict or a set",
    ":=": "an assignment (:=)", "=": "an assignment", "lambda": "lambda",
    "if": "an if-expression", "else": "an if-expression", "for": "a comprehension",
    "and": "and/or", "or": "and/or", "not": "not", "in": "a comparison", "is": "a comparison",
    "<": "a comparison", ">": "a comparison", "==": "a comparison", "!=": "a comparison",
    "<=": "a comparison", ">=": "a comparison", ",": "a tuple", ":": "a slice or a colon",
}
_CONSTRUCTS = ("lambda", "for", ":=", "if")  # refused first: they name the whole expression
_OPERATORS = {"//", "%", "@", "<<", ">>", "&", "|", "^", "~"}
# Names a learner reads as numbers: an input only when given a start value.
_NUMBER_NAMES = {"e": "Euler's number (write exp(1))", "pi": "π (write 3.141592653589793)",
                 "inf": "infinity (no input or constant may be infinite)",
                 "nan": "not-a-number (no input or constant may be NaN)"}
_SCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "0123456789" * 2)

Operand = Unit | float  # a plain number stays a number until a gate takes it
Callables = dict[str, tuple[int, Callable[..., Unit]]]


def parse(
    text: str, /, gates: Mapping[str, type[Gate]] | None = None, **values: float
) -> Circuit:
    """Build a Circuit from an expression; `values` give the named inputs their start values.

    Names without a value start at 1.0 (where every gate, division included, is defined).
    `gates` adds callable names for a learner's own gate classes: `gates={"sq": Square}`.
    """
    if not isinstance(text, str):
        raise RefusedType(f"parse takes the expression as a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise RefusedValue(
            f"the expression {_quote(text)} is {len(text):,} characters long; parse reads at"
            f" most {MAX_LENGTH:,}"
        )
    text = text.strip()
    if not text:
        raise RefusedValue("the expression is empty")
    callables = _callables(gates)
    start = {name: check_number(value, f"the value of {name!r}") for name, value in values.items()}
    parser = _Parser(text, callables, start)
    result = parser.parse()
    unknown = [name for name in start if name not in parser.units]
    if unknown:
        used = ", ".join(parser.units) or "no names"
        raise RefusedValue(f"unknown name {unknown[0]!r}: the expression uses {used}")
    return Circuit(as_unit(result))


def _quote(text: str) -> str:
    """The text in quotes, cut after ~40 characters."""
    return repr(text if len(text) <= _QUOTED else text[:_QUOTED] + "…")


def _callables(gates: Mapping[str, type[Gate]] | None) -> Callables:
    """Every name an expression may call, with its number of arguments and what builds it."""
    table: Callables = {
        name: (arity, getattr(functions, name)) for name, arity in FUNCTIONS.items()
    }
    if gates is None:
        return table
    if not isinstance(gates, Mapping):
        raise RefusedType(
            "gates= takes your gate classes by name, such as gates={'sq': Square},"
            f" not {type(gates).__name__}"
        )
    for name, gate_class in gates.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise RefusedValue(f"a gate's name must be a plain name such as 'sq', not {name!r}")
        if name in FUNCTIONS:
            raise RefusedValue(f"{name!r} is already a gate function; call your gate another name")
        if gate_class is Gate:
            raise RefusedType(f"gates[{name!r}] is gk.Gate itself: give your own subclass of it,"
                              " with its arity, symbol, compute and backward")
        if not isinstance(gate_class, type) or not issubclass(gate_class, Gate):
            what = (f"a gate made from {type(gate_class).__name__}" if isinstance(gate_class, Gate)
                    else f"{type(gate_class).__name__} {_quote(repr(gate_class))}")
            raise RefusedType(f"gates[{name!r}] must be a gk.Gate subclass (the class), not {what}")
        arity = gate_class.arity
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 1:
            raise RefusedValue(
                f"{gate_class.__name__}.arity must be a whole number of inputs, not {arity!r}"
            )
        table[name] = (arity, lambda *args, gate_class=gate_class: gate_class().forward(*args))
    return table


class _Parser:
    """One expression's tokens, read once from left to right while the gates are built."""

    def __init__(self, text: str, callables: Callables, start: dict[str, float]) -> None:
        self.text = text
        self.callables = callables
        self.start = start
        self.units: dict[str, Unit] = {}  # the names met so far, in order of first appearance
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0
        self.line_starts = [0]
        for line in text.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        for token in self.tokens:
            if token.string in _CONSTRUCTS and token.type in (tokenize.NAME, tokenize.OP):
                self.refuse(token)

    # ----- reading tokens ---------------------------------------------------------------------
    def peek(self) -> tokenize.TokenInfo:
        return self.tokens[self.at]

    def take(self) -> tokenize.TokenInfo:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def next_is(self, *strings: str) -> bool:
        token = self.tokens[self.at]
        return token.type == tokenize.OP and token.string in strings

    def expect(self, string: str, after: str) -> None:
        if not self.next_is(string):
            self.refuse(self.peek(), f"{after} needs a {string!r}")
        self.take()

    def offset(self, position: tuple[int, int]) -> int:
        """Where a token's (row, column) is in the text."""
        row, column = position
        return self.line_starts[row - 1] + column

    def refuse(self, token: tokenize.TokenInfo, reason: str = "") -> None:
        """Raise the ValueError for `token`: what it starts is not allowed, or why not."""
        if token.type == tokenize.STRING or token.string in ("True", "False", "None"):
            raise RefusedValue(f"only numbers may appear as constants, not {_quote(token.string)}")
        if token.string in _OPERATORS:
            raise RefusedValue(f"the operator {token.string} is not allowed (only + - * / **)")
        if token.string in _REFUSED and token.type in (tokenize.NAME, tokenize.OP):
            raise RefusedValue(f"{_REFUSED[token.string]} is not allowed in an expression:"
                               f" {_quote(self.text)}")
        found = ("it ends" if token.type in (tokenize.ENDMARKER, tokenize.NEWLINE)
                 else f"{_quote(token.string)} comes")
        reason = reason or "a number, a name or '(' should come next"
        raise RefusedValue(f"could not read the expression {_quote(self.text)}: {found} where"
                           f" {reason}")

    # ----- the grammar ------------------------------------------------------------------------
    def parse(self) -> Operand:
        result = self.sum()
        if self.peek().type == tokenize.NEWLINE:
            self.take()
        if self.peek().type != tokenize.ENDMARKER:
            self.refuse(self.peek(), "the expression should end")
        return result

    def sum(self) -> Operand:
        total = self.product()
        while self.next_is("+", "-"):
            operator = self.take().string
            term = self.product()
            total = as_unit(total) + term if operator == "+" else as_unit(total) - term
        return total

    def product(self) -> Operand:
        total = self.signed()
        while self.next_is("*", "/"):
            operator = self.take().string
            factor = self.signed()
            total = as_unit(total) * factor if operator == "*" else as_unit(total) / factor
        return total

    def signed(self) -> Operand:
        signs = []
        while self.next_is("+", "-"):
            signs.append(self.take().string)
        value = self.power()
        for sign in reversed(signs):  # the sign nearest the operand applies first
            if sign == "-":
                value = -value
        return value

    def power(self) -> Operand:
        base = self.atom()
        if not self.next_is("**"):
            return base
        self.take()
        begin = self.offset(self.peek().start)
        negative = False
        while self.next_is("+", "-"):
            negative ^= self.take().string == "-"
        exponent = self.atom()
        if self.next_is("**") or not isinstance(exponent, float):
            chained = self.next_is("**")  # x ** 2 ** 2 is x ** (2 ** 2): no plain number
            end = len(self.text) if chained else self.offset(self.tokens[self.at - 1].end)
            raise RefusedValue(
                f"the exponent of ** must be a number, not {_quote(self.text[begin:end])}"
                " (use exp(...) for e to a power)"
            )
        return as_unit(base) ** (-exponent if negative else exponent)

    def atom(self) -> Operand:
        token = self.take()
        if token.type == tokenize.NUMBER:
            return _number(token.string)
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
            if self.next_is("("):
                return self.call(token.string)
            return self.name(token.string)
        if token.type == tokenize.OP and token.string == "(":
            self.nest()
            value = self.sum()
            self.expect(")", "a '('")
            self.depth -= 1
            return value
        self.refuse(token)
        raise AssertionError("unreachable: refuse raises")

    def name(self, name: str) -> Unit:
        unit = self.units.get(name)
        if unit is None:
            self.check_input_name(name)
            unit = self.units[name] = Unit(self.start.get(name, 1.0), name=name)
        return unit

    def check_input_name(self, name: str) -> None:
        """Refuse a name that would make an input the learner did not mean (module docstring)."""
        if not name.isidentifier():
            plain = name.translate(_SCRIPTS)
            hint = (f"write powers with **, such as {_quote(plain[:-1] + ' ** ' + plain[-1])}"
                    if name[-1] in "⁰¹²³⁴⁵⁶⁷⁸⁹" else
                    f"a name is letters, digits and _, such as {_quote(plain)}")
            raise RefusedValue(f"{_quote(name)} cannot be an input's name: {hint}")
        if name in self.callables:
            raise RefusedValue(f"{name} is a gate function, not an input: call it on its input,"
                               f" such as {name}(x)")
        if name in _NUMBER_NAMES and name not in self.start:
            raise RefusedValue(f"{name} would be an input named {name!r} here, not"
                               f" {_NUMBER_NAMES[name]}; for an input of that name give its"
                               f" value, such as parse(..., {name}=1.0)")

    def call(self, name: str) -> Unit:
        if name not in self.callables:
            raise RefusedValue(f"calling {_quote(name)} is not allowed; the gate functions are"
                               f" {', '.join(self.callables)}")
        arity, build = self.callables[name]
        self.take()  # the "("
        self.nest()
        args = [self.sum()]
        while self.next_is(","):
            self.take()
            args.append(self.sum())
        if self.next_is("="):
            raise RefusedValue(f"{name}(...) takes plain arguments only")
        self.expect(")", f"{name}(...)")
        self.depth -= 1
        if len(args) != arity:
            raise RefusedValue(f"{name} takes {arity} argument(s), got {len(args)}")
        return build(*(as_unit(arg) for arg in args))

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RefusedValue(f"the expression {_quote(self.text)} nests parentheses or calls"
                               f" more than {MAX_DEPTH} deep")


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """Python's tokens for the text, without comments and line breaks inside brackets."""
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT)
    try:
        tokens = [token for token in tokenize.generate_tokens(io.StringIO(text).readline)
                  if token.type not in skipped]
    except (tokenize.TokenError, SyntaxError) as error:
        reason = str(error.args[0]) if error.args else "it cannot be split into tokens"
        if "EOF in multi-line" in reason:
            reason = "a '(' is never closed"
        raise RefusedValue(f"could not read the expression {_quote(text)}: {reason}") from None
    for token in tokens:
        if token.type == tokenize.ERRORTOKEN and not token.string.isspace():
            raise RefusedValue(f"could not read the expression {_quote(text)}: unexpected"
                               f" character {_quote(token.string)}")
    return [token for token in tokens if token.type != tokenize.ERRORTOKEN]


def _number(literal: str) -> float:
    """A number token's value as a finite float, or a ValueError saying why there is none."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):  # more digits than Python converts (4,300)
        value = math.inf
    if isinstance(value, complex):
        raise RefusedValue(f"only real numbers are allowed, not {_quote(literal)}")
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise RefusedValue(f"the number {_quote(literal)} is too large for a float")
    return value
