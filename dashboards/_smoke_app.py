"""Minimal Solara app used by the offline end-to-end smoke test.

Run it offline with (after ``bash .ci/setup_browser.sh``)::

    SOLARA_ASSETS_PROXY_CACHE_DIR=dashboards/.assets_cache \
        .venv/bin/solara run dashboards/_smoke_app.py --no-open

It shows a button that increments a counter and a matplotlib figure whose
content depends on the counter, so the test can check both interaction and
that a real (non-blank) figure image is drawn.
"""

import matplotlib
import numpy as np
import solara
from matplotlib.figure import Figure

# off-screen drawing, as the dashboard's (set before any figure is made; the imports
# above select no backend)
matplotlib.use("Agg")

clicks = solara.reactive(0)


@solara.component
def Page():
    def increment():
        clicks.value += 1

    fig = Figure(figsize=(4, 3), dpi=80)
    ax = fig.subplots()
    x = np.linspace(0, 2 * np.pi, 100)
    ax.plot(x, np.sin(x * (clicks.value + 1)), color="tab:red", linewidth=3)
    ax.fill_between(x, 0, np.sin(x), color="tab:blue", alpha=0.6)
    ax.set_title(f"smoke figure {clicks.value}")

    with solara.Column():
        solara.Button(label="Increment", on_click=increment, color="primary")
        solara.Text(f"Clicked: {clicks.value}", classes=["smoke-counter"])
        solara.FigureMatplotlib(fig, format="png")
