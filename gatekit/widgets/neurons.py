"""The hidden neurons of a network as small heatmaps over the plane, as TensorFlow Playground
shows them: what each neuron outputs at every point of the training explorer's plane.

Each tile is coloured by the neuron's output (white at 0, orange above, blue below), on one
scale per layer, so a neuron the spring has shrunk looks faint next to its neighbours; the
bar under it is the length of its incoming weights (what the spring shrinks), relative to the
layer's longest. A dead neuron (a relu that is off on every training point, so no gradient
reaches it) is faded, framed in red, labelled "dead" and counted in its layer's header.

Speed: a layer's tiles are one PNG (encoded through matplotlib), each tile showing its own part
of it as a CSS background, so a frame encodes one image per layer, not one per neuron. Past
`MAX_TILES` neurons the rest are counted, not drawn.
"""

from __future__ import annotations

import base64
import io
import itertools
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.image import imsave

from ..errors import RefusedType
from .base import escape

__all__ = ["NeuronPanel", "has_neurons", "NEURON_GRID", "MAX_TILES"]

NEURON_GRID = 28  # each heatmap samples the plane on NEURON_GRID × NEURON_GRID points
TILE_PIXELS = 56  # ... and is shown this large (pixelated, not blurred)
MAX_TILES = 64  # neurons drawn at most over all layers; the rest are counted
DEAD_NAMED = 5  # dead neurons named in a view's status before "and N more"
WHITE = np.array([255.0, 255.0, 255.0])
POSITIVE = np.array([230.0, 85.0, 13.0])  # orange, as a pull of +1 in the explorer
NEGATIVE = np.array([49.0, 130.0, 189.0])  # blue, as a pull of -1
NOT_A_NUMBER = np.array([150.0, 150.0, 150.0])
DEAD_COLOUR = "#b00020"
NEEDED = ("hidden_activations", "dead_neurons", "hidden_names", "neuron_weight_norms")
_PANEL_NUMBERS = itertools.count()  # each panel's CSS class names are its own


def has_neurons(model: Any) -> bool:
    """True for a model that can show its hidden neurons (gk.ml.TwoLayerNet, gk.layers.MLP)
    and has at least one (an MLP([2, 1]) has no hidden layer)."""
    return all(hasattr(model, name) for name in NEEDED) and any(model.hidden_names)


LEVELS = 127  # shades each side of white (0 and ±scale exact)


def _palette() -> np.ndarray:
    """RGBA for 2·LEVELS + 1 shades from -1 (blue) through 0 (white) to +1 (orange), then grey."""
    t = np.linspace(-1.0, 1.0, 2 * LEVELS + 1)[:, None]
    rgb = np.vstack([WHITE + np.abs(t) * (np.where(t >= 0, POSITIVE, NEGATIVE) - WHITE),
                     NOT_A_NUMBER])
    return np.column_stack([rgb, np.full(len(rgb), 255.0)]).round().astype(np.uint8)


PALETTE = _palette()


def heatmap_rgba(values: np.ndarray, scale: float) -> np.ndarray:
    """RGBA bytes for a (rows, columns) array: white at 0, orange toward +scale, blue toward
    -scale (clipped beyond), grey where a value is not finite; looked up in PALETTE (one
    index per pixel instead of three colour sums)."""
    finite = np.isfinite(values)
    t = np.clip(np.where(finite, values, 0.0) / scale, -1.0, 1.0)
    index = np.rint((t + 1.0) * LEVELS).astype(np.intp)
    index[~finite] = len(PALETTE) - 1
    return PALETTE[index]


def png_data_uri(rgba: np.ndarray) -> str:
    """An RGBA image as a data: URI of a PNG (encoded by matplotlib, lightly compressed)."""
    buffer = io.BytesIO()
    imsave(buffer, rgba, format="png",
           metadata={"Software": None},  # type: ignore[dict-item]  # None drops the key
           pil_kwargs={"compress_level": 1})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class NeuronPanel:
    """One heatmap per hidden neuron over the plane, in an HTML widget (`widget`).

    `fit(extent)` sets the plane the heatmaps cover; `show(points)` draws the model as it is
    now, with the neurons dead on `points` marked; `dead` and `drawn` say what it showed.
    """

    def __init__(self, model: Any) -> None:
        if not has_neurons(model):
            raise RefusedType(
                f"show_neurons needs a model with hidden neurons (gk.ml.TwoLayerNet or "
                f"gk.layers.MLP with a hidden layer); {model!r} has none to show"
            )
        self.model = model
        self.widget = widgets.HTML()
        self.css_class = f"gatekit-neurons-{next(_PANEL_NUMBERS)}"
        self.dead: list[str] = []  # the dead neurons shown last
        self.drawn: list[str] = []  # the neurons given a heatmap last
        self._grid = np.zeros((0, 2))

    def fit(self, extent: tuple[float, float, float, float]) -> None:
        """Sample the plane (left, right, bottom, top); row 0 of every tile is the top."""
        left, right, bottom, top = extent
        xs = np.linspace(left, right, NEURON_GRID)
        ys = np.linspace(top, bottom, NEURON_GRID)
        grid_x, grid_y = np.meshgrid(xs, ys)
        self._grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])

    def show(self, points: np.ndarray) -> None:
        """Draw every hidden layer's neurons as the model is now."""
        model = self.model
        dead = set(model.dead_neurons(points))
        layers = zip(model.hidden_names, model.hidden_activations(self._grid),
                     model.neuron_weight_norms(), strict=True)
        parts, self.drawn = [], []
        for number, (names, activations, norms) in enumerate(layers, start=1):
            room = max(0, MAX_TILES - len(self.drawn))
            parts.append(self._layer_html(number, names, activations, norms, dead, room))
        self.dead = [name for layer in model.hidden_names for name in layer if name in dead]
        self.widget.value = "".join(parts)

    def dead_text(self) -> str:
        """The dead neurons shown last, counted and named (the first few), as plain text."""
        dead = self.dead
        more = f" and {len(dead) - DEAD_NAMED} more" if len(dead) > DEAD_NAMED else ""
        return f"dead neurons {len(dead)}" + (f" ({', '.join(dead[:DEAD_NAMED])}{more})"
                                              if dead else "")

    def _layer_html(self, number: int, names: list[str], activations: np.ndarray,
                    norms: np.ndarray, dead: set[str], room: int) -> str:
        finite = np.abs(activations[np.isfinite(activations)])
        scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        longest = float(np.max(norms)) if np.all(np.isfinite(norms)) and np.max(norms) > 0 else 1.0
        count = sum(name in dead for name in names)
        header = (f"hidden layer {number}: {len(names)} neurons, {count} dead · colour scale "
                  f"±{scale:.3g} · bar: weight length (longest {longest:.3g})")
        shown = names[:room]
        self.drawn += shown
        # One image for the layer: the tiles side by side, each NEURON_GRID pixels wide.
        sprite: np.ndarray = activations[:, : len(shown)].reshape(
            NEURON_GRID, NEURON_GRID, len(shown))
        sprite = sprite.transpose(0, 2, 1).reshape(NEURON_GRID, NEURON_GRID * len(shown))
        layer_class = f"{self.css_class}-{number}"
        style = (f"<style>.{layer_class} {{"
                 f"background-image:url({png_data_uri(heatmap_rgba(sprite, scale))});"
                 f"background-size:{TILE_PIXELS * len(shown)}px {TILE_PIXELS}px;"
                 f"background-origin:border-box;image-rendering:pixelated}}</style>"
                 if shown else "")
        tiles = [_tile_html(layer_class, k, name, float(norms[k]), longest, name in dead)
                 for k, name in enumerate(shown)]
        if len(names) > room:
            tiles.append(f"<div style='align-self:center'>… and {len(names) - room} more "
                         "(not drawn)</div>")
        return (f"{style}<div style='font-size:12px;margin-top:4px'>{escape(header)}</div>"
                f"<div style='display:flex;flex-wrap:wrap;gap:4px'>{''.join(tiles)}</div>")


def _tile_html(layer_class: str, k: int, name: str, norm: float, longest: float,
               dead: bool) -> str:
    """Neuron k of a layer: its part of the layer's image, its name, its weight length as a
    number and a bar; a dead one faded, framed in red and labelled."""
    border = f"2px dashed {DEAD_COLOUR}" if dead else "1px solid #bbb"
    name_text = escape(f"{name}: weight length {norm:.3g}{', dead' if dead else ''}")
    label = (f"<div style='position:absolute;inset:0;display:flex;align-items:center;"
             f"justify-content:center;background:rgba(255,255,255,0.8);"
             f"color:{DEAD_COLOUR};font-weight:bold'>dead</div>" if dead else "")
    width = 0.0 if not np.isfinite(norm) else 100.0 * min(1.0, norm / longest)
    return (
        f"<div style='width:{TILE_PIXELS}px;font-size:10px;text-align:center' "
        f"title='{name_text}'>"
        f"<div class='{layer_class}' role='img' aria-label='{name_text}' style='position:"
        f"relative;width:{TILE_PIXELS}px;height:{TILE_PIXELS}px;box-sizing:border-box;"
        f"border:{border};background-position:-{k * TILE_PIXELS}px 0'>{label}</div>"
        f"<div>{escape(name)}</div>"
        f"<div style='height:3px;background:#ddd'><div style='height:3px;width:{width:.0f}%;"
        f"background:#555'></div></div>"
        f"<div>|w| {escape(f'{norm:.2g}')}</div></div>"
    )
