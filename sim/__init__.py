"""mutualaid-sim: an agent-based simulator of community mutual-aid eldercare (互助养老).

The public entry points are :class:`sim.model.CommunityModel`, the scenario loader
:func:`sim.scenario.load_scenario` and :func:`sim.runner.run_scenario`.
"""

__version__ = "0.1.0"
