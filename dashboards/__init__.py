"""The community dashboard: a Solara app over plain modules that hold its logic apart
from its widgets, so that the logic can be unit-tested.

Start it with ``mutualaid dashboard [SCENARIO]`` or ``solara run dashboards/app.py``.
The modules, by job:

* :mod:`dashboards.app` — the page, its controls and the run loop;
  :mod:`dashboards.sidebar` — the settings; :mod:`dashboards.live_view` — network,
  inspector, this week's metrics and the charts, redrawn every frame;
* :mod:`dashboards.picker` — the scenario picker: shipped scenario files and the one
  the page opens with;
* :mod:`dashboards.uploads` — uploaded scenarios, taken apart without trusting the
  browser;
* :mod:`dashboards.settings_draft` — the settings the controls edit, and the
  validated scenarios (setups A and B) built from them;
* :mod:`dashboards.toml_writer` — the settings saved as a scenario TOML file;
* :mod:`dashboards.layout`, :mod:`dashboards.colouring`,
  :mod:`dashboards.network_figure` — the drawing of the community: fixed dwelling
  positions, residents coloured on fixed scales, the network image;
* :mod:`dashboards.charts` — the weekly metrics' small multiples;
  :mod:`dashboards.figure_png` — a drawn figure as PNG bytes;
* :mod:`dashboards.runs` — one tab's runs, stepped together under a lock, and their
  weekly data; :mod:`dashboards.inspector` — one resident's state and ties;
* :mod:`dashboards.origin_guard` — serving only requests made to the dashboard's
  own address.
"""

import matplotlib

# The server draws every figure off-screen; no module of the package may open a window
# (a GUI backend would also need a display the server does not have).
matplotlib.use("Agg")
