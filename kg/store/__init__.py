"""The store: where the graph's quads live (embedded, or on a SPARQL server) and the values derived from them."""
