"""The model core: state, schedule, parameters (ODD: entities, process, parameters)."""
