"""A safe expression parser: text such as "(x + y) * z" becomes a Circuit, never through eval.

Python's `ast` reads the text; only a whitelist of node kinds is accepted (numbers, names,
+ - * / **, unary minus and the gate functions). Anything else is refused with a ValueError
that names what was refused. The tree is walked with an explicit stack, so long expressions
need no recursion.
"""

from __future__ import annotations

import ast

from . import functions
from .circuit import Circuit
from .gates import Constant, Unit, check_number

__all__ = ["parse", "FUNCTIONS"]

# The calls an expression may make, with how many arguments each takes.
FUNCTIONS = {"max": 2, "relu": 1, "sigmoid": 1, "exp": 1, "tanh": 1}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# Friendly names for what is refused most often.
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "an if-expression",
    ast.NamedExpr: "an assignment (:=)",
    ast.JoinedStr: "an f-string",
}


def parse(text: str, **values: float) -> Circuit:
    """Build a Circuit from an expression; `values` give the named inputs their start values.

    Names without a value start at 1.0 (where every gate, division included, is defined).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse takes the expression as a string, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("the expression is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"could not read the expression {text!r}: {error.msg}") from None
    except RecursionError:
        raise ValueError(f"the expression {text[:40]!r}… is nested too deeply to read") from None
    names = _names_in(tree.body)
    unknown = [name for name in values if name not in names]
    if unknown:
        raise ValueError(
            f"unknown name {unknown[0]!r}: the expression uses {', '.join(names) or 'no names'}"
        )
    units = {
        name: Unit(check_number(values.get(name, 1.0), f"the value of {name!r}"), name=name)
        for name in names
    }
    return Circuit(_build(tree.body, units))


def _names_in(root: ast.expr) -> list[str]:
    """The variable names of the expression, in order of first appearance, checking every node."""
    names: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        _check_node(node)
        if isinstance(node, ast.Name) and node.id not in names:
            names.append(node.id)
        children = [node.args] if isinstance(node, ast.Call) else [list(ast.iter_child_nodes(node))]
        stack.extend(reversed([c for group in children for c in group if isinstance(c, ast.expr)]))
    return names


def _check_node(node: ast.AST) -> None:
    """Refuse, with a ValueError naming it, any node outside the whitelist."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"only numbers may appear as constants, not {node.value!r}")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            operator = type(node.op).__name__
            raise ValueError(f"the operator {operator} is not allowed (only + - * / **)")
        if isinstance(node.op, ast.Pow) and _number(node.right) is None:
            raise ValueError(
                f"the exponent of ** must be a number, not {ast.unparse(node.right)!r} "
                "(use exp(...) for e to a power)"
            )
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ValueError(f"the unary operator {type(node.op).__name__} is not allowed")
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            called = ast.unparse(func)
            raise ValueError(
                f"calling {called!r} is not allowed; the gate functions are {', '.join(FUNCTIONS)}"
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ValueError(f"{func.id}(...) takes plain arguments only")
        if len(node.args) != FUNCTIONS[func.id]:
            raise ValueError(
                f"{func.id} takes {FUNCTIONS[func.id]} argument(s), got {len(node.args)}"
            )
    elif not isinstance(node, ast.Name):
        what = _REFUSED.get(type(node), type(node).__name__)
        raise ValueError(f"{what} is not allowed in an expression: {ast.unparse(node)!r}")


def _number(node: ast.expr) -> float | None:
    """The value of a plain number, possibly signed; None for anything else."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if not isinstance(node.value, bool):
            return sign * node.value
    return None


def _build(root: ast.expr, units: dict[str, Unit]) -> Unit:
    """Turn a checked tree into Units and gates, children before parents (post-order)."""
    built: dict[int, Unit] = {}
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, ast.Name):
            built[id(node)] = units[node.id]
        elif _number(node) is not None:  # 3, -3, +-3: one constant, not a chain of gates
            built[id(node)] = Constant(_number(node))
        elif not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_operands(node)))
        else:
            built[id(node)] = _apply(node, [built[id(child)] for child in _operands(node)])
    return built[id(root)]


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left] if isinstance(node.op, ast.Pow) else [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    assert isinstance(node, ast.Call)
    return list(node.args)


def _apply(node: ast.expr, args: list[Unit]) -> Unit:
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return args[0] ** _number(node.right)
        a, b = args
        return {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__}[
            _BINARY[type(node.op)]
        ](b)
    if isinstance(node, ast.UnaryOp):
        return -args[0] if isinstance(node.op, ast.USub) else args[0]
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return getattr(functions, node.func.id)(*args)
