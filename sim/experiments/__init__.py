"""Experiments: which scenarios, which design over their parameters, how many
replicates — run on any :class:`concurrent.futures.Executor` and stored crash-safely.

An experiment file (TOML, ``experiments/*.toml``) is validated like a scenario file
(:mod:`sim.experiments.schema`), resolved into a list of planned runs with common
random numbers (:mod:`sim.experiments.plan`, :mod:`sim.experiments.design`), executed
in-process, on a process pool or on a Dask cluster (:mod:`sim.experiments.execute`),
each finished run written to the results folder at once (:mod:`sim.experiments.store`)
and summarised per scenario and design point with paired differences from the
reference scenario (:mod:`sim.experiments.summarise`). ``mutualaid sweep`` is the
command line (:mod:`sim.experiments.cli`); docs/experiments.md is the reference.
"""
