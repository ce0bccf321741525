"""Routers, one module per resource; each calls ``kg`` functions and holds no SPARQL."""
