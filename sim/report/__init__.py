"""Reports for papers from a sweep's results folder (``mutualaid report``, docs/reporting.md).

- :mod:`sim.report.results` reads a results folder (manifest, runs, weekly metrics);
- :mod:`sim.report.statistics` computes bands, summaries and replicate precision;
- :mod:`sim.report.sensitivity` mirrors a Sobol'/Morris sweep's sampling in SALib's analysis;
- :mod:`sim.report.figures` and :mod:`sim.report.tables` draw and typeset them;
- :mod:`sim.report.labels` holds every word in English and Chinese, and
  :mod:`sim.report.fonts` the CJK font and the print style;
- :mod:`sim.report.build` assembles ``report-<lang>/``; :mod:`sim.report.cli` is the command.
"""
