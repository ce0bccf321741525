"""SPARQL SELECT results written from solutions in Python: JSON, XML, CSV and TSV.

The engine serialises a whole result (:meth:`pyoxigraph.QuerySolutions.serialize`), never a list
of solutions; the worker writes those itself when it must cut a result that the text rewrite of
its LIMIT did not cap (:func:`kg.sparql.worker.execute`). The output follows the W3C formats
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV, with the RDF 1.2 additions the engine writes:
triple terms and language tags with a base direction) and is written byte for byte as the
engine writes it, but in two places where the engine's output is read back wrong: a carriage
return inside an XML literal, which the engine writes raw (an XML parser reads it as a line
feed) and this module as ``&#13;``, and a triple term in CSV, whose parts the engine quotes
one by one (a comma in its object splits the field) and this module quotes as one field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

__all__ = ["FORMATS", "serialize"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
_ITS = "http://www.w3.org/2005/11/its"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _language(literal: ox.Literal) -> tuple[str | None, str | None]:
    """The literal's language tag and base direction (``ltr``/``rtl``), if any."""
    direction = getattr(literal, "direction", None)
    return literal.language, (str(direction.value) if direction is not None else None)


# -- JSON ----------------------------------------------------------------------------------------


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _json_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Literal):
        out = '{"type":"literal","value":' + _json_string(term.value)
        language, direction = _language(term)
        if language is not None:
            out += ',"xml:lang":' + _json_string(language)
            if direction is not None:
                out += ',"its:dir":' + _json_string(direction)
        elif term.datatype.value != _STRING:
            out += ',"datatype":' + _json_string(term.datatype.value)
        return out + "}"
    return (
        '{"type":"triple","value":{"subject":'
        + _json_term(term.subject)
        + ',"predicate":'
        + _json_term(term.predicate)
        + ',"object":'
        + _json_term(term.object)
        + "}}"
    )


def _json(names: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    keys = [_json_string(name) + ":" for name in names]
    parts = ['{"head":{"vars":[', ",".join(_json_string(name) for name in names), ']},"results":{"bindings":[']
    first = True
    for row in rows:
        if not first:
            parts.append(",")
        first = False
        parts.append("{" + ",".join(k + _json_term(t) for k, t in zip(keys, row, strict=True) if t is not None) + "}")
    parts.append("]}}")
    return "".join(parts).encode("utf-8")


# -- XML -----------------------------------------------------------------------------------------

_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;", "\r": "&#13;"})
_XML_EDGE = {" ": "&#32;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
_XML_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def _xml_text(text: str) -> str:
    """Character data, escaped; white space at either end written as references (as the engine
    writes it, so that a reader trimming white space keeps it)."""
    start, end = 0, len(text)
    while start < end and text[start] in _XML_EDGE:
        start += 1
    while end > start and text[end - 1] in _XML_EDGE:
        end -= 1
    head = "".join(_XML_EDGE[c] for c in text[:start])
    tail = "".join(_XML_EDGE[c] for c in text[end:])
    return head + text[start:end].translate(_XML_TEXT) + tail


def _xml_attribute(text: str) -> str:
    return text.translate(_XML_ATTRIBUTE)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return "<uri>" + _xml_text(term.value) + "</uri>"
    if isinstance(term, ox.BlankNode):
        return "<bnode>" + _xml_text(term.value) + "</bnode>"
    if isinstance(term, ox.Literal):
        language, direction = _language(term)
        if language is not None:
            attributes = ' xml:lang="' + _xml_attribute(language) + '"'
            if direction is not None:
                attributes += f' its:dir="{_xml_attribute(direction)}" xmlns:its="{_ITS}" its:version="2.0"'
        elif term.datatype.value != _STRING:
            attributes = ' datatype="' + _xml_attribute(term.datatype.value) + '"'
        else:
            attributes = ""
        return "<literal" + attributes + ">" + _xml_text(term.value) + "</literal>"
    return (
        "<triple><subject>"
        + _xml_term(term.subject)
        + "</subject><predicate>"
        + _xml_term(term.predicate)
        + "</predicate><object>"
        + _xml_term(term.object)
        + "</object></triple>"
    )


def _xml(names: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    opens = ['<binding name="' + _xml_attribute(name) + '">' for name in names]
    parts = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += ['<variable name="' + _xml_attribute(name) + '"/>' for name in names]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts += [o + _xml_term(t) + "</binding>" for o, t in zip(opens, row, strict=True) if t is not None]
        parts.append("</result>")
    parts.append("</results></sparql>")
    return "".join(parts).encode("utf-8")


# -- CSV -----------------------------------------------------------------------------------------


def _csv_value(term: Term) -> str:
    """The term's CSV text: an IRI or a literal's lexical form as is, a blank node as ``_:id``."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return f"{_csv_value(term.subject)} {_csv_value(term.predicate)} {_csv_value(term.object)}"


_CSV_QUOTED = re.compile(r'[",\r\n]')


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    value = _csv_value(term)
    return '"' + value.replace('"', '""') + '"' if _CSV_QUOTED.search(value) else value


def _csv(names: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    lines = [",".join(names)]
    lines += [",".join(_csv_field(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# -- TSV -----------------------------------------------------------------------------------------

_TSV_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})
#: Literals written bare, as in Turtle, when their lexical form is in the Turtle grammar.
_TSV_BARE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return "<" + term.value + ">"
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        quoted = '"' + term.value.translate(_TSV_STRING) + '"'
        language, direction = _language(term)
        if language is not None:
            return quoted + "@" + language + ("--" + direction if direction is not None else "")
        datatype = term.datatype.value
        if datatype == _STRING:
            return quoted
        bare = _TSV_BARE.get(datatype)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
        return quoted + "^^<" + datatype + ">"
    return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"


def _tsv(names: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    lines = ["\t".join("?" + name for name in names)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


_Writer = Callable[[Sequence[str], Iterable[Sequence[Term | None]]], bytes]
#: Media type → writer.
FORMATS: dict[str, _Writer] = {
    "application/sparql-results+json": _json,
    "application/sparql-results+xml": _xml,
    "text/csv": _csv,
    "text/tab-separated-values": _tsv,
}


def serialize(variables: Sequence[ox.Variable], solutions: Iterable[ox.QuerySolution], media_type: str) -> bytes:
    """``solutions`` (over ``variables``, in order) written as a SELECT result in ``media_type``."""
    rows = ([solution[v] for v in variables] for solution in solutions)
    return FORMATS[media_type]([v.value for v in variables], rows)
