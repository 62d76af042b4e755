"""Pictures as SVG text, with neither matplotlib nor ipywidgets, so a live view loads fast:
`layout` places a circuit's gates and wires on its networkx graph (`Circuit.to_networkx`) and
says how each wire looks, `svg` draws that (for the live views and a circuit's notebook repr),
`summary` stands in for a circuit too big to show. `gk.draw` (gatekit/drawing.py) draws the
same graph at the same places with networkx's matplotlib drawing functions."""
