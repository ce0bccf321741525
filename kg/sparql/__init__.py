"""SPARQL for the service: reading query text, result formats, and a pool of worker processes
that evaluates queries with a time limit and a row cap (the engine itself has neither)."""
