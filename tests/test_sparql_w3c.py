"""The W3C SPARQL 1.1 Protocol tests (and the three service-description tests), read from the
shared manifests and sent as HTTP requests to the service running under uvicorn.

The endpoint is read-only (issue 3: updates answer 403), so the manifest's positive update tests
are listed in :data:`EXPECTED_403`, each with its reason: their update request must get 403, and
a query that follows it in the same test must still answer, in a boolean format, ``false``
(the refused update left no trace). Every other test must meet the manifest's expectations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import rdflib
from rdflib.collection import Collection

from api.settings import Settings
from tests.sparql_support import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    W3C,
    build_store,
    live_server,
    parse_graph,
    parse_solutions,
)

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The server's endpoint path, replacing the manifest's "/sparql/" prefix.
ENDPOINT = "/sparql/"
READ_ONLY = "read-only endpoint, issue 3 says updates answer 403"
#: Positive update tests of the manifest: the endpoint refuses updates, so each gets 403.
EXPECTED_403 = {
    "update_dataset_default_graph": READ_ONLY,
    "update_dataset_default_graphs": READ_ONLY,
    "update_dataset_named_graphs": READ_ONLY,
    "update_dataset_full": READ_ONLY,
    "update_post_form": READ_ONLY,
    "update_post_direct": READ_ONLY,
    "update_base_uri": READ_ONLY,
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # acceptable status classes: 2, 3, 4
    boolean: bool | None
    format: str | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[Request] = field(default_factory=list)


def _requests(manifest: rdflib.Graph, node: rdflib.term.Node) -> Iterator[Request]:
    action = manifest.value(node, MF.action)
    requests = manifest.value(action, HT.requests)
    assert requests is not None, node
    for request in Collection(manifest, requests):
        headers = {}
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(manifest, header_list):
                headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
        body = None
        content = manifest.value(request, HT.body)
        if content is not None:
            encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(manifest.value(content, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        statuses = {int(str(s).rsplit("StatusCode", 1)[1][0]) for s in manifest.objects(response, MF.expectedStatus)}
        boolean = manifest.value(response, MF.expectedBoolean)
        fmt = manifest.value(response, MF.expectedFormat)
        yield Request(
            method=str(manifest.value(request, HT.methodName)),
            path=str(manifest.value(request, HT.absolutePath)),
            headers=headers,
            body=body,
            statuses=statuses,
            boolean=None if boolean is None else str(boolean) == "true",
            format=None if fmt is None else str(fmt),
        )


def _entries(path: str) -> tuple[rdflib.Graph, list[rdflib.term.Node]]:
    manifest = rdflib.Graph().parse(W3C / path, format="turtle")
    root = next(manifest.subjects(MF.entries, None))
    entries = manifest.value(root, MF.entries)
    assert entries is not None
    return manifest, list(Collection(manifest, entries))


def _protocol_tests() -> list[ProtocolTest]:
    if not (W3C / "manifest.ttl").is_file():
        return []
    manifest, entries = _entries("manifest.ttl")
    tests = []
    for node in entries:
        name = str(node).rsplit("#", 1)[1]
        tests.append(ProtocolTest(name, str(manifest.value(node, MF.name)), list(_requests(manifest, node))))
    return tests


def _service_description_tests() -> list[str]:
    if not (W3C / "service-description-manifest.ttl").is_file():
        return []
    return [str(node).rsplit("#", 1)[1] for node in _entries("service-description-manifest.ttl")[1]]


PROTOCOL_TESTS = _protocol_tests()
SD_TESTS = _service_description_tests()
_missing = pytest.mark.skipif(not PROTOCOL_TESTS, reason=f"the W3C SPARQL 1.1 protocol tests are not at {W3C}")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    store = build_store(w3c=True)
    with live_server(Settings(store="memory", query_timeout=10, query_workers=2), store) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def _is_update(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith("application/sparql-update") or (request.body or b"").startswith(b"update=")


@_missing
def test_the_expected_403_table_is_exactly_the_positive_update_tests() -> None:
    positive_updates = {t.name for t in PROTOCOL_TESTS if _is_update(t.requests[0]) and t.requests[0].statuses & {2, 3}}
    assert positive_updates == set(EXPECTED_403)
    assert len(PROTOCOL_TESTS) == 34


def _check_format(response: httpx.Response, request: Request, boolean: bool | None) -> None:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if request.format in ("boolean", "tabular"):
        assert media in SOLUTION_FORMATS, media
        result = parse_solutions(response)
        if request.format == "boolean":
            assert isinstance(result, bool), response.text
        else:
            assert isinstance(result, list), response.text
            assert result == [{"value": "1"}]  # the one tabular test selects (1 AS ?value)
    elif request.format == "RDF":
        assert media in GRAPH_FORMATS, media
        parse_graph(response)
    if boolean is not None:
        assert parse_solutions(response) is boolean, response.text


@_missing
@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_w3c_protocol(http: httpx.Client, test: ProtocolTest) -> None:
    refused_update = False
    for i, request in enumerate(test.requests):
        assert request.path.startswith("/sparql/")
        response = http.request(
            request.method,
            ENDPOINT + request.path.removeprefix("/sparql/"),
            headers=request.headers,
            content=request.body,
        )
        status_class = response.status_code // 100
        assert status_class != 5, (test.name, response.status_code, response.text)
        if test.name in EXPECTED_403 and i == 0:
            assert _is_update(request)
            assert response.status_code == 403, (test.name, response.text)
            assert response.json()["error"]["code"] == "read_only"
            refused_update = True
            continue
        assert status_class in request.statuses, (test.name, i, response.status_code, response.text[:300])
        if status_class == 4:
            assert set(response.json()) == {"error"}
        # after a refused update, its follow-up query sees nothing it would have written
        boolean = False if refused_update and request.boolean is not None else request.boolean
        _check_format(response, request, boolean)


# -- the service description tests --------------------------------------------------------------


def _description(http: httpx.Client) -> tuple[httpx.Response, rdflib.Graph]:
    response = http.get(ENDPOINT, headers={"accept": "text/turtle"})
    assert response.status_code == 200
    return response, rdflib.Graph().parse(data=response.text, format="turtle")


def _has_endpoint_triple(http: httpx.Client) -> None:
    _, graph = _description(http)
    assert list(graph.objects(None, SD.endpoint)) == [rdflib.URIRef(f"{http.base_url}{ENDPOINT}")]


def _returns_rdf(http: httpx.Client) -> None:
    response, graph = _description(http)
    assert response.headers["content-type"].split(";")[0] in GRAPH_FORMATS and len(graph) > 10
    # in RDF/XML too, when asked
    response = http.get(ENDPOINT, headers={"accept": "application/rdf+xml;q=0.9, text/turtle;q=0.5"})
    assert response.status_code == 200
    rdflib.Graph().parse(data=response.text, format="turtle")


def _conforms_to_schema(http: httpx.Client) -> None:
    """The shapes the Service Description vocabulary defines (domains and ranges)."""
    _, graph = _description(http)
    (service,) = graph.subjects(rdflib.RDF.type, SD.Service)
    assert set(graph.objects(service, SD.supportedLanguage)) <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert all(isinstance(f, rdflib.URIRef) for f in graph.objects(service, SD.resultFormat))
    assert all(isinstance(f, rdflib.URIRef) for f in graph.objects(service, SD.feature))
    (dataset,) = graph.objects(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
    (default,) = graph.objects(dataset, SD.defaultGraph)
    assert (default, rdflib.RDF.type, SD.Graph) in graph
    named = list(graph.objects(dataset, SD.namedGraph))
    assert named
    for node in named:
        assert (node, rdflib.RDF.type, SD.NamedGraph) in graph
        names = list(graph.objects(node, SD.name))
        assert len(names) == 1 and isinstance(names[0], rdflib.URIRef)
    # the W3C test graphs are among the named graphs the endpoint describes
    assert {str(graph.value(n, SD.name)) for n in named} >= {
        f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)
    }


SD_CHECKS = {
    "has-endpoint-triple": _has_endpoint_triple,
    "returns-rdf": _returns_rdf,
    "conforms-to-schema": _conforms_to_schema,
}


@_missing
def test_every_service_description_test_has_a_check() -> None:
    assert sorted(SD_TESTS) == sorted(SD_CHECKS)


@_missing
@pytest.mark.parametrize("name", SD_TESTS or list(SD_CHECKS))
def test_w3c_service_description(http: httpx.Client, name: str) -> None:
    SD_CHECKS[name](http)
