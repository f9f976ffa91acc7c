""":class:`DashboardSession`: one browser tab's runs — setup A and, to compare, setup
B (A with one intervention switched), both with the same seed — stepped together
under a lock, with their network and chart figures kept between frames (only the
artists' data change), which is what keeps a frame fast at 1,000 residents; and
their weekly data, shown and downloaded as CSV."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboards.charts import DEFAULT_CHART_METRICS, ChartPainter
from dashboards.inspector import resident_state, resident_ties
from dashboards.layout import dwelling_layout
from dashboards.network_figure import NetworkPainter
from sim.core.model import CommunityModel, read_survey
from sim.core.params import Scenario
from sim.submodels.observation import METRICS


class DashboardSession:
    """The runs behind one dashboard tab: setup A and, when comparing, setup B.

    Both are built with the same seed and stepped together. Every method takes the
    session's lock, because the run loop steps the models in a background thread
    while the page's event handlers read and draw them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.models: dict[str, CommunityModel] = {}
        self.scenarios: dict[str, Scenario] = {}
        self.positions: np.ndarray = np.zeros((0, 2))
        self.network: NetworkPainter | None = None
        self._charts: ChartPainter | None = None
        self.layouts_computed = 0  # how often a layout was computed (once per reset)
        self.generation = 0  # counts resets, so a run loop can tell its runs were replaced

    def reset(self, setup_a: Scenario, setup_b: Scenario | None = None) -> None:
        """New runs of the setups (burn-in done, so the week shown is 0) and a new
        layout for the community's dwellings."""
        _check_comparable(setup_a, setup_b)
        scenarios = {"A": setup_a} | ({"B": setup_b} if setup_b is not None else {})
        # built before anything is replaced, so a model that fails leaves the old runs whole
        models = {key: _burnt_in(scenario) for key, scenario in scenarios.items()}
        with self.lock:
            self.scenarios, self.models = scenarios, models
            pop = self.models["A"].pop
            self.positions = dwelling_layout(pop.building, pop.block)
            self.layouts_computed += 1
            self.network = NetworkPainter(self.positions)
            self._charts = None
            self.generation += 1

    def set_setup_b(self, setup_b: Scenario | None) -> None:
        """Start comparing with ``setup_b`` (None: stop comparing) without losing the
        place: B is run from its start up to A's current week. A is untouched and the
        layout stays, so the page does not jump."""
        with self.lock:
            _check_comparable(self.scenarios["A"], setup_b)
            self.scenarios.pop("B", None)
            self.models.pop("B", None)
            if setup_b is not None:
                model = _burnt_in(setup_b)
                while model.week < self.models["A"].week:
                    model.step()
                self.scenarios["B"] = setup_b
                self.models["B"] = model
            self._charts = None  # its legend names the setups

    def _painter(self) -> NetworkPainter:
        """The network figure of the current runs (there is none before a reset)."""
        if self.network is None:
            raise RuntimeError("no runs yet: reset the session first")
        return self.network

    @property
    def week(self) -> int:
        """The next week to be simulated (= recorded weeks so far)."""
        with self.lock:
            return self.models["A"].week if self.models else 0

    @property
    def horizon(self) -> int:
        return self.scenarios["A"].simulation.weeks if self.scenarios else 0

    @property
    def finished(self) -> bool:
        return self.week >= self.horizon

    @property
    def comparing(self) -> bool:
        return "B" in self.models

    def step(self, weeks: int = 1, generation: int | None = None) -> int:
        """Advance every setup by up to ``weeks`` weeks, not past the horizon.
        Returns the weeks advanced: 0 at the horizon, or when ``generation`` is given
        and the runs were reset since (a run loop must not step the new runs)."""
        with self.lock:
            if generation is not None and generation != self.generation:
                return 0
            todo = max(0, min(weeks, self.horizon - self.week))
            for _ in range(todo):
                for model in self.models.values():
                    model.step()
            return todo

    def weekly(self) -> dict[str, pd.DataFrame]:
        """The weekly metrics of each setup so far."""
        with self.lock:
            return {
                key: pd.DataFrame.from_records(model.records, columns=list(METRICS))
                for key, model in self.models.items()
            }

    def weekly_csv(self) -> str:
        """The weekly metrics of all setups as CSV, with columns setup and scenario first."""
        frames = []
        for key, frame in self.weekly().items():
            frame.insert(0, "scenario", self.scenarios[key].name)
            frame.insert(0, "setup", key)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True).to_csv(index=False)

    def latest(self) -> pd.DataFrame:
        """This week's value of every metric, one column per setup (and B − A)."""
        with self.lock:
            rows = {key: model.records[-1] for key, model in self.models.items() if model.records}
        table = pd.DataFrame(rows, index=[m for m in METRICS if m != "week"])
        if {"A", "B"} <= set(table.columns):
            table["B − A"] = table["B"] - table["A"]
        return table

    def network_png(self, state: str, selected: int | None = None, setup: str = "A") -> bytes:
        with self.lock:
            model = self.models[setup]
            title = f"{self.scenarios[setup].name} — week {model.week}"
            return self._painter().paint(model, state, selected, title)

    def charts_png(self, metrics: Sequence[str] = DEFAULT_CHART_METRICS) -> bytes:
        with self.lock:
            if self._charts is None or self._charts.metrics != tuple(metrics):
                labels = {key: f"{key}: {sc.name}" for key, sc in self.scenarios.items()}
                self._charts = ChartPainter(metrics, self.horizon, labels)
            return self._charts.paint(self.weekly())

    def slot_at(self, x_fraction: float, y_fraction: float, setup: str = "A") -> int | None:
        """The occupied dwelling under a click on the last network image."""
        with self.lock:
            return self._painter().slot_at(x_fraction, y_fraction, self.models[setup].pop.occupied)

    def resident(self, slot: int, setup: str = "A") -> dict[str, Any] | None:
        """The state of the resident in ``slot`` (None if the dwelling is vacant)."""
        with self.lock:
            return resident_state(self.models[setup], slot)

    def ties(self, slot: int, setup: str = "A") -> pd.DataFrame:
        with self.lock:
            return resident_ties(self.models[setup], slot)


def _check_comparable(setup_a: Scenario, setup_b: Scenario | None) -> None:
    if setup_b is not None and setup_b.community != setup_a.community:
        raise ValueError("setups A and B must describe the same community")


def _burnt_in(scenario: Scenario) -> CommunityModel:
    """A new run of ``scenario`` with its seed, past the (unrecorded) burn-in."""
    model = CommunityModel(scenario, rng=scenario.simulation.seed, survey=read_survey(scenario))
    model.run(0)
    return model
