"""What goes into a run: scenario files, survey data, the parameter table."""
