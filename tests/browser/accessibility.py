"""axe-core (the engine most accessibility audits use, bundled by `axe-playwright-python`) over
a notebook's outputs after it has run: the WCAG 2.1 A and AA rules. Every violation is either
gatekit's, which fails the tests, or one listed in UPSTREAM: the one table of violations that
live in JupyterLab or ipywidgets themselves, each with the reason it is left there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Upstream:
    """A violation that is not gatekit's: its axe rule, a CSS selector of the elements it is
    found on (matched in the page), and why it is excluded."""

    rule: str
    selector: str
    reason: str


UPSTREAM = (
    Upstream("image-alt", ".jp-RenderedSVG > img",
             "JupyterLab shows an image/svg+xml output (a bare Circuit's picture) as an <img> "
             "with no alt, and the SVG's own title and description do not reach the page "
             "through an <img>. gatekit's views show their pictures with an alt instead."),
    Upstream("image-alt", ".jp-RenderedImage > img",
             "JupyterLab shows a PNG output (gk.draw's matplotlib figure) as an <img> with no "
             "alt and takes none from the output."),
    Upstream("scrollable-region-focusable", ".jp-RenderedSVG",
             "JupyterLab scrolls an SVG output wider than the notebook inside an output node "
             "that it does not make focusable."),
)


@dataclass(frozen=True)
class Violation:
    """One element breaking one rule; `upstream` is the UPSTREAM selector it matches, if any."""

    rule: str
    impact: str
    selector: str
    html: str
    upstream: str | None

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.selector}\n    {self.html}"


# Runs axe over every element the selector finds and says, for each element that breaks a rule,
# which upstream selector of that rule it matches (null: none, so it is gatekit's).
_SCAN = """async ([selector, tags, upstream]) => {
  const outputs = [...document.querySelectorAll(selector)];
  if (outputs.length === 0) {
    return [];
  }
  const results = await axe.run({ include: outputs },
    { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  const found = [];
  for (const violation of results.violations) {
    for (const node of violation.nodes) {
      const element = document.querySelector(node.target[node.target.length - 1]);
      const known = upstream.find(([rule, selector]) =>
        rule === violation.id && element !== null && element.matches(selector));
      found.push({ rule: violation.id, impact: violation.impact,
                   selector: node.target.join(' '), html: node.html.slice(0, 240),
                   upstream: known ? known[1] : null });
    }
  }
  return found;
}"""


def scan(page: Any, root: str, within: str = ".jp-OutputArea-output",
         upstream: tuple[Upstream, ...] = UPSTREAM) -> list[Violation]:
    """Every WCAG 2.1 A/AA violation axe finds in the `within` elements (by default notebook
    outputs) under the `root` selector, each matched against the `upstream` table."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    known = [[entry.rule, entry.selector] for entry in upstream]
    return [Violation(**found)
            for found in page.evaluate(_SCAN, [f"{root} {within}", WCAG_TAGS, known])]
