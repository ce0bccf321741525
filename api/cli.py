"""The installed ``kg`` command: the library's commands (:mod:`kg.cli`) and ``kg serve``, which starts the
service. It lives here because the library never imports the service."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from api.app import create_app
from api.settings import Settings
from kg.cli import DEFAULT_STORE, StoreOption, app, fail, remote_options
from kg.errors import KGError
from kg.load import loader

__all__ = ["app"]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOption = DEFAULT_STORE,
    data: Annotated[list[Path] | None, typer.Option(help="Extra data files, each loaded as its own source.")] = None,
) -> None:
    """Start the service (REST API, docs) on the bundled graph."""
    import uvicorn

    remote = {
        "store_" + ("update" if k == "update_url" else "gsp" if k == "gsp_url" else k): v
        for k, v in remote_options().items()
    }
    settings = Settings.from_env(store=store, data=[str(p) for p in data or []], **remote)
    try:
        opened = loader.open_store(settings.store, [Path(p) for p in settings.data], **settings.remote_options())
    except KGError as exc:
        fail(str(exc))
    # A long-lived process holding a large graph: the cyclic collector's default thresholds make it
    # walk the whole heap every few thousand allocations (0.7 of 1.2 s when drawing 2,000 actors).
    # Collect young objects less often and leave what exists at start-up out of full collections,
    # and so the values computed at start-up (api.warm), once computed: millions of objects at 100k
    # actors, alive until a write replaces them, never garbage, which a full collection would walk
    # (1.6 s at 10k actors) in whichever request triggered it. Reference counting still frees them.
    application = create_app(settings, store=opened, after_warm=gc.freeze)
    gc.set_threshold(50_000, 20, 100)
    gc.freeze()
    base = f"http://{host}:{port}"
    typer.echo(
        f"API docs:  {base}/docs\nREST API:  {base}/api/v1\nSPARQL:    {base}/sparql\n"
        f"Explorer:  {base}/explorer\nOntology:  {base}/ontology\nHealth:    {base}/healthz"
    )
    uvicorn.run(application, host=host, port=port, log_level="info", access_log=settings.access_log)


if __name__ == "__main__":  # pragma: no cover
    app()
