"""policywatch: shared core (schemas, ids, logging, command line) of the pipeline."""
