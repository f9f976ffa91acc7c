"""The submodels of the weekly schedule, one module each, in schedule order
(see sim.core.model for the order and docs/odd.md for the formulas)."""
