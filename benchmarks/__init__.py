"""The benchmark suite (``make bench`` or ``python -m benchmarks``).

It generates synthetic graphs of several sizes, loads each into an on-disk store with the ``kg`` command
line, and measures, against live servers on 127.0.0.1: bulk load, REST latency, SPARQL throughput of our
``/sparql`` next to the Oxigraph server and rdflib-endpoint serving the same quads, and the network
analytics in-process. It uses only public entry points (the CLI, HTTP, ``kg.network``) so that changes
inside the library do not break it. Results go to a JSON file and a Markdown table (see README.md).
"""
