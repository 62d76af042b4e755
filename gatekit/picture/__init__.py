"""Pictures as SVG text, with neither matplotlib nor ipywidgets, so a live view loads fast:
`layout` places a circuit's gates and wires and says how each wire looks, `svg` draws that (for
the live views and a circuit's notebook repr), `summary` stands in for a circuit too big to show.
`gk.draw` (gatekit/drawing.py) renders the same layout with matplotlib."""
