"""The submodels of the weekly schedule, one module each, in schedule order
(see sim.model for the order and docs/odd.md for the formulas)."""
