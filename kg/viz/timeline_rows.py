"""The rows of an actor's timeline (:mod:`kg.viz.timeline` draws them): each statement of an actor
page as a :class:`Span` (its words seen from the actor, its dates, its status on the day read, the link
to its evidence), each claim as a :class:`Mark` (who said it, of what kind, when).

The words come from the read results alone (:func:`kg.read.entities.entity`): "backs X", "led by Y",
"Foreign Minister of Z", "designated by W (its list)"; names, never ids, where the data has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kg import kinds as kind_table
from kg.errors import InvalidInput
from kg.models import Claim, Designation, Entity, Ref, Relation
from kg.timeline import PartialDate

__all__ = [
    "ATTESTED",
    "CLAIM_COLOUR",
    "COLOURS",
    "SECTIONS",
    "Mark",
    "Span",
    "marks_of",
    "parse_date",
    "parse_day",
    "spans_of",
]

#: Bar colour of each statement kind (``ck:timelineColour`` in the ontology, see :mod:`kg.kinds`), of
#: designations of the actor and by it, and of any other statement.
COLOURS = {
    **{k.name: k.timeline_colour for k in kind_table.kinds() if k.timeline_colour},
    "designation": "#37474f",
    "designation-made": "#78909c",
    "other": "#455a64",
}
#: Claims: a colour no statement kind has.
CLAIM_COLOUR = "#d81b60"

#: The sections of the timeline, in order, with their headings.
SECTIONS = (
    ("relations", "Relations"),
    ("offices", "Offices"),
    ("designations", "Designations of this actor"),
    ("designations-made", "Designations made by this actor"),
    ("names", "Names and identity"),
    ("claims-made", "Claims made (not facts)"),
    ("claims-about", "Claims about this actor (not facts)"),
)

#: The reasons whose bound is the day a statement of unknown start is first attested.
ATTESTED = ("attested", "before-attested")


def _name(ref: Ref | None) -> str:
    if ref is None:
        return "?"
    return ref.label or ref.id


def parse_date(text: str | None) -> PartialDate | None:
    """A partial date, or None (none given, or not a date)."""
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except InvalidInput:
        return None


def parse_day(text: str | None) -> dt.date | None:
    """A day YYYY-MM-DD, or None."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _words(kind: str) -> tuple[str, str, str, str]:
    """A relation's colour, section and words from the actor's side (when it is the subject, when it
    is the object), as the ontology gives them (:mod:`kg.kinds`: ``ck:phrase``, ``ck:inversePhrase``,
    ``ck:timelineColour``, ``ck:timelineSection``). ``{other}`` is the other end's name."""
    k = kind_table.kind(kind)
    if k is None or k.phrase is None:
        return COLOURS["other"], "relations", "{kind} {other}", "{kind} {other}"
    colour = k.timeline_colour or COLOURS["other"]
    return colour, k.timeline_section or "relations", k.phrase, k.inverse_phrase or k.phrase


@dataclass(frozen=True)
class Span:
    """One statement as a bar: its words, its dates and its status on the day read."""

    key: str
    section: str
    colour: str
    label: str
    start: str | None
    end: str | None
    status: str | None
    reason: str | None
    bound: str | None
    href: str
    sources: int = 0
    #: The other party (None: none, e.g. a former name).
    other: Ref | None = None

    @classmethod
    def of_relation(cls, rel: Relation, actor: str, href: str) -> Span:
        """A relation seen from ``actor`` (an id): "backs X", "led by Y", "Foreign Minister of Z"..."""
        colour, section, as_subject, as_object = _words(rel.kind)
        mine = rel.subject is not None and rel.subject.id == actor
        other = rel.object if mine else rel.subject
        words = (as_subject if mine else as_object).format(
            other=_name(other) if other is not None else ", ".join(rel.values) or "?",
            kind=rel.kind.replace("-", " "),
            title=rel.office_title or "office holder",
            values=", ".join(f"“{v}”" for v in rel.values) or "?",
        )
        if rel.support_kinds:
            words += f" (support: {', '.join(k.replace('-', ' ') for k in rel.support_kinds)})"
        if rel.alleged:
            words += " (alleged)"
        return cls(
            rel.id, section, colour, words, rel.start, rel.end, rel.status, rel.status_reason,
            rel.status_bound, href, len(rel.sources), other,
        )  # fmt: skip

    @classmethod
    def of_designation(cls, d: Designation, actor: str, href: str) -> Span:
        """A designation of ``actor`` ("designated by X") or by it ("designates Y")."""
        made = d.authority.id == actor and d.designee.id != actor
        words = f"designates {_name(d.designee)}" if made else f"designated by {_name(d.authority)}"
        if d.instrument is not None:
            words += f" ({_name(d.instrument)})"
        section = "designations-made" if made else "designations"
        return cls(
            d.id, section, COLOURS["designation-made" if made else "designation"], words,
            d.effective or d.listed, d.ended, d.status, d.status_reason, d.status_bound, href, len(d.sources),
            d.designee if made else d.authority,
        )  # fmt: skip

    def describe(self, at: dt.date) -> str:
        """The tooltip: what, when, and the status on ``at`` with its reason."""
        start = self.start or "unknown"
        if self.end:
            end = self.end
        elif self.reason == "ceased" and self.bound:
            end = f"by {self.bound} at the latest"
        else:
            end = "no end known"
        text = f"{self.label}. From {start} to {end}."
        if self.status:
            why = (self.reason or "").replace("-", " ")
            text += f" On {at.isoformat()}: {self.status.replace('-', ' ')}"
            text += f" ({why}{', ' + self.bound if self.bound else ''})." if why else "."
        if not self.start and self.reason in ATTESTED and self.bound:
            text += f" First attested {self.bound}; earlier: unknown."
        text += f" Evidence: {self.sources} source{'s' if self.sources != 1 else ''}."
        return text


@dataclass(frozen=True)
class Mark:
    """One claim as a mark on its date: who said it, of what kind."""

    key: str
    section: str
    label: str
    date: str | None
    summary: str
    href: str

    @classmethod
    def of_claim(cls, claim: Claim, section: str, href: str) -> Mark:
        who = ", ".join(_name(c) for c in claim.claimants) or "unknown claimant"
        return cls(claim.id, section, f"{who}: {claim.kind}", claim.date, claim.summary, href)

    def describe(self) -> str:
        return f"Claim ({self.label}), {self.date or 'undated'}: {self.summary} A claim, not a fact."


def _evidence(key: str) -> str:
    return f"#ev-{key}"


def spans_of(page: Entity, evidence: Callable[[str], str] = _evidence) -> list[Span]:
    """The bars of an actor page (:func:`kg.read.entities.entity`): every statement group but
    events and claims; ``evidence`` gives each bar's link from its statement id."""
    spans: list[Span] = []
    seen: set[tuple[str, str]] = set()
    for name, group in page.groups.items():
        for item in group.items:
            if isinstance(item, Designation):
                span = Span.of_designation(item, page.id, evidence(item.id))
            elif isinstance(item, Relation) and name != "events":
                span = Span.of_relation(item, page.id, evidence(item.id))
            else:
                continue
            if (span.section, span.key) not in seen:
                seen.add((span.section, span.key))
                spans.append(span)
    order = {key: i for i, (key, _) in enumerate(SECTIONS)}
    return sorted(spans, key=lambda s: (order.get(s.section, 99), s.colour, s.start or "", s.label))


def _claim_evidence(section: str, key: str) -> str:
    return f"#{section}-{key}"


def marks_of(page: Entity, evidence: Callable[[str, str], str] = _claim_evidence) -> list[Mark]:
    """The claim marks of an actor page: claims it made, then claims about it; ``evidence`` gives
    each mark's link from its section (``claims-made``, ``claims-about``) and claim id."""
    marks = []
    for name, section in (("claims_made", "claims-made"), ("claims_about", "claims-about")):
        group = page.groups.get(name)
        for claim in group.items if group else []:
            marks.append(Mark.of_claim(claim, section, evidence(section, claim.id)))
    return marks
