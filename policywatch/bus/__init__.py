"""Hand-off between stages: Kafka in the distributed deployment, in-process when embedded."""
