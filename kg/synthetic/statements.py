"""Statements: support, pairs (alliance, hostility, membership...), offices, designations, former
names and territorial control, each added to a source with its citation and dates.

Statements are nodes (``ck:Support``, ``ck:Designation``...) with an IRI in the synthetic statement
namespace; the functions take the source being built first and draw from its generator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kg.synthetic.builder import SourceBuilder
from kg.synthetic.names import GROUP_HEADS, KIND_NAMES, KIND_WEIGHTS, WORDS
from kg.synthetic.ntriples import (
    ALIAS_OF,
    ALLEGED,
    AMENDMENT,
    ANNOUNCED,
    AUTHORITY,
    CONTROLLER,
    DESIGNEE,
    EARLIEST,
    EFFECTIVE,
    END,
    END_ANNOUNCED,
    ENTRY_ID,
    EXTENT,
    INSTRUMENT,
    LATEST,
    LISTED,
    MIN_SPAN,
    NAME,
    NAME_ADDED,
    NAMES_COVERED,
    NOTE,
    OFFICE_TITLE,
    PLACE,
    START,
    SUBJECT,
    SUPPORT_KIND,
    TRUE,
    A,
    ar,
    ck,
    en,
    local_id,
    plain,
)
from kg.synthetic.world import Actor

__all__ = ["control", "designate", "designation", "former_name", "office", "pair", "support"]


def support(src: SourceBuilder, backer: int, backed: int, kinds: Sequence[str] | None = None) -> None:
    """``backer`` supports ``backed`` with ``kinds`` (drawn if None), sometimes alleged."""
    node = src.statement("Support", "backs", backer, backed)
    if node is None:
        return
    rng = src.rng
    if kinds is None:
        n = rng.choice((1, 1, 1, 2, 2, 3))
        chosen: list[str] = []
        for k in rng.choices(KIND_NAMES, KIND_WEIGHTS, k=n):
            if k not in chosen:
                chosen.append(k)
        if "UnknownSupport" in chosen and len(chosen) > 1:
            chosen.remove("UnknownSupport")
        kinds = chosen
    for k in kinds:
        src.t(node, SUPPORT_KIND, ck(k))
    if rng.random() < 0.15:
        src.t(node, ALLEGED, TRUE)
    src.span(node, src.lo(backed))
    if rng.random() < 0.1:
        src.t(node, NOTE, en("Synthetic support relation; the kinds listed are invented."))
    src.echoable.append((node, "Support", backer, backed, " ".join(kinds)))


def pair(src: SourceBuilder, cls: str, verb: str, a: int, b: int) -> None:
    """A statement ``a`` ``cls`` ``b`` (Alliance, Hostility, Membership, PartOf...) with dates."""
    node = src.statement(cls, verb, a, b)
    if node is not None:
        src.span(node, src.lo(a), p_start=0.7, p_end=0.3)
        if cls in ("Alliance", "Hostility"):
            src.echoable.append((node, cls, a, b, ""))


def office(src: SourceBuilder, person: int, org: int, title: str) -> None:
    """``person`` holds office ``title`` in ``org``."""
    node = src.statement("Office", "holds-office-in", person, org)
    if node is None:
        return
    src.t(node, OFFICE_TITLE, plain(title))
    src.span(node, src.lo(org), p_start=0.85, p_end=0.3)


def designation(src: SourceBuilder, authority: int, designee: int, renamed: tuple[str, int, int] | None) -> None:
    """``authority`` designates ``designee``; ``renamed`` is (former name, day renamed, precision)."""
    node = src.statement("Designation", "designates", authority, designee, unique=True, roles=(AUTHORITY, DESIGNEE))
    if node is None:
        return
    w, rng = src.w, src.rng
    ins, ins_label = w.instruments[authority][rng.randrange(len(w.instruments[authority]))]
    src.instruments[ins] = ins_label
    src.t(node, INSTRUMENT, ins)
    if authority in w.igos:
        src.t(node, ENTRY_ID, plain(f"QDe.{rng.randint(100, 999)}"))
    lo = max(src.lo(designee) + 365, dt.date(1997, 1, 1).toordinal())
    listed = rng.randint(lo, max(lo, LATEST - 60))
    p = 3 if rng.random() < 0.75 else 2
    src.date(node, LISTED, listed, p)
    if p == 3 and rng.random() < 0.35:
        src.date(node, EFFECTIVE, listed + rng.randint(1, 30), 3)
    if p == 3 and rng.random() < 0.3:
        src.date(node, ANNOUNCED, listed + rng.randint(-3, 1), 3)
    a = w.actors[designee]
    names = [a.label]
    if renamed is not None:
        former, day, _ = renamed
        if day > listed:
            names = [former]
            amendment = src.blank()
            eff = min(day + rng.randint(30, 400), LATEST)
            src.t(node, AMENDMENT, amendment)
            src.t(amendment, A, ck("DesignationAmendment"))
            src.date(amendment, EFFECTIVE, eff, 3)
            if rng.random() < 0.5:
                src.date(amendment, ANNOUNCED, eff - rng.randint(1, 7), 3)
            src.t(amendment, NAME_ADDED, en(a.label))
            src.t(amendment, NOTE, en("The new name was added to the entry after the renaming."))
        else:
            names = [a.label, former]
    if a.aliases and rng.random() < 0.4:
        names.append(a.aliases[0])
    for name in names:
        src.t(node, NAMES_COVERED, en(name))
    if a.label_ar and rng.random() < 0.5:
        src.t(node, NAMES_COVERED, ar(a.label_ar))
    if rng.random() < 0.08:
        amendment = src.blank()
        src.t(node, AMENDMENT, amendment)
        src.t(amendment, A, ck("DesignationAmendment"))
        src.date(amendment, ANNOUNCED, rng.randint(listed, max(listed, LATEST - 10)), 3)
        src.t(amendment, NAME_ADDED, en(f"{a.label} (variant spelling)"))
    if rng.random() < 0.15 and listed + MIN_SPAN < LATEST:
        end = rng.randint(listed + MIN_SPAN, LATEST)
        src.date(node, END, end, 3)
        if rng.random() < 0.5:
            src.date(node, END_ANNOUNCED, end - rng.randint(1, 20), 3)
    if a.kind == "ArmedGroup" and rng.random() < 0.05:
        other = w.theatres[a.theatre].pick(rng, "ArmedGroup1", "ArmedGroup2")
        if other >= 0 and other != designee:
            src.t(node, ALIAS_OF, src.actor(other))
            src.t(node, NOTE, en("First listed as another name of an existing entry."))


def former_name(src: SourceBuilder, i: int, a: Actor) -> tuple[str, int, int]:
    """A former name of armed group ``i``; returns (former name, day renamed, precision)."""
    rng = src.rng
    head = rng.choice(GROUP_HEADS)
    word = rng.choice(WORDS)
    former = f"{head[0]} {word[0]}"
    if former == a.label:
        former = f"{former} (old)"
    node = src.blank_statement("FormerName", f"{local_id(a.iri)}-formerly-1")
    src.t(node, SUBJECT, src.actor(i))
    src.t(node, NAME, en(former))
    if rng.random() < 0.5:
        src.t(node, NAME, ar(f"{head[1]} {word[1]}"))
    lo = max(src.lo(i), EARLIEST)
    renamed = rng.randint(lo + MIN_SPAN, max(lo + MIN_SPAN, LATEST - 2 * 365))
    precision = 3 if rng.random() < 0.6 else 2
    if rng.random() < 0.5:
        src.date(node, START, rng.randint(lo, renamed - MIN_SPAN))
    src.date(node, END, renamed, precision)
    return former, renamed, precision


def designate(src: SourceBuilder, i: int, renamed: tuple[str, int, int] | None) -> None:
    """Designations of ``i`` by one to five authorities (states and IGOs)."""
    w, rng = src.w, src.rng
    authorities: list[int] = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5))):
        au = w.authorities[rng.randrange(len(w.authorities))]
        if au not in authorities and au != i:
            authorities.append(au)
    for au in authorities:
        designation(src, au, i, renamed)


def control(src: SourceBuilder, controller: int, town: int) -> None:
    """``controller`` controls (part or all of) the settlement ``town`` (stated once per source)."""
    key = ("control", controller, town)
    if key in src.seen:
        return
    src.seen.add(key)
    node = src.blank_statement("TerritorialControl", f"{local_id(src.w.actors[controller].iri)}-controls-{town + 1}")
    src.t(node, CONTROLLER, src.actor(controller))
    src.t(node, PLACE, src.place(town))
    if src.rng.random() < 0.7:
        src.t(node, EXTENT, plain("part" if src.rng.random() < 0.6 else "whole"))
    src.span(node, src.lo(controller), p_start=0.9, p_end=0.4)
