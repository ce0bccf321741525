"""Names for the world's actors, places, wars and designation instruments.

:func:`name_all` runs once, right after the layout of a :class:`~kg.synthetic.world.World`, and
draws every name from the world's random generator: states first (``Kariia``, adjective
``Kariian``), the regions, settlements and sites of each host state, capitals and the war of each
theatre, then every other actor by kind (Arabic-style group names with an English alias, persons in
their state's naming style, ministries and armies after their state...), drawing again when a label
is already taken. Most Arabic-named actors and places also get an Arabic label.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.synthetic.names import (
    FAMILY_AR,
    FAMILY_OTHER,
    FINALS,
    GIVEN_AR,
    GIVEN_OTHER,
    GROUP_HEADS,
    SETTLEMENT_PREFIXES,
    SYLLABLES,
    WORDS,
)
from kg.synthetic.ntriples import SYN_ID

if TYPE_CHECKING:
    from kg.synthetic.world import Actor, Theatre, World

__all__ = ["name_all"]


@dataclass
class _Context:
    """What naming draws on: each state's adjective, Arabic name and naming style (0 Arabic, 1-4
    other styles for its persons), and the labels already taken."""

    adj: dict[int, str] = field(default_factory=dict)
    state_ar: dict[int, str] = field(default_factory=dict)
    style: dict[int, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)


def _stem(w: World) -> tuple[str, str]:
    """A new name stem (Latin, Arabic) of one to three syllables and a final consonant."""
    rng = w.rng
    for _ in range(50):
        parts = [rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 2, 3)))]
        final = rng.choice(FINALS)
        latin = "".join(p[0] for p in parts) + final[0]
        if latin not in w.used_stems or _ == 49:
            w.used_stems.add(latin)
            return latin.capitalize(), "".join(p[1] for p in parts) + final[1]
    raise AssertionError("unreachable")


def _settlement_name(w: World) -> tuple[str, str]:
    """A settlement name (Latin, Arabic), often with a prefix such as Kafr or Tell."""
    stem, stem_ar = _stem(w)
    if w.rng.random() < 0.45:
        prefix, prefix_ar = w.rng.choice(SETTLEMENT_PREFIXES)
        return f"{prefix} {stem}", f"{prefix_ar} {stem_ar}"
    return stem, stem_ar


def _person_name(w: World, style: int, used: set[str]) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """A person's name in a naming style (0 Arabic); with a father's name when the short one is taken."""
    rng = w.rng
    if style == 0:
        g, g_ar = rng.choice(GIVEN_AR)
        f, f_ar = rng.choice(FAMILY_AR)
        label, label_ar = f"{g} {f}", f"{g_ar} {f_ar}"
        if label in used:
            m, m_ar = rng.choice(GIVEN_AR)
            label, label_ar = f"{g} {m} {f}", f"{g_ar} {m_ar} {f_ar}"
        aliases: tuple[str, ...] = ()
        aliases_ar: tuple[str, ...] = ()
        if rng.random() < 0.35:
            k, k_ar = rng.choice(GIVEN_AR[:20])
            aliases, aliases_ar = (f"Abu {k}",), (f"أبو {k_ar}",)
        return label, label_ar, aliases, aliases_ar
    given, family = GIVEN_OTHER[style - 1], FAMILY_OTHER[style - 1]
    label = f"{rng.choice(given)} {rng.choice(family)}"
    if label in used:
        label = f"{rng.choice(given)} {rng.choice(given)[0]}. {rng.choice(family)}"
    return label, "", (), ()


def _name_theatre(w: World, th: Theatre, ctx: _Context) -> None:
    """Name a theatre's states, then its regions, settlements and sites, its capitals and its war."""
    rng, actors = w.rng, w.actors
    adj, state_ar, style = ctx.adj, ctx.state_ar, ctx.style
    for s in th.states:
        stem, stem_ar = _stem(w)
        a = actors[s]
        a.label, a.label_ar = stem + "ia", stem_ar + "يا"
        a.aliases = (f"Republic of {stem}ia",) if rng.random() < 0.3 else ()
        adj[s], state_ar[s] = stem + "ian", stem_ar + "يا"
        style[s] = 0 if s == th.host or rng.random() < 0.4 else rng.randint(1, 4)
    if th.host >= 0:
        for _ in range(rng.randint(3, 5)):
            stem, stem_ar = _stem(w)
            region = w.add_place("Region", f"{stem} Governorate", f"محافظة {stem_ar}", -1, th.host,
                                 f"{stem} province")  # fmt: skip
            th.regions.append(region)
            for _ in range(rng.randint(3, 6)):
                name, name_ar = _settlement_name(w)
                town = w.add_place("Settlement", name, name_ar, region, -1, "")
                th.settlements.append(town)
                if rng.random() < 0.25:
                    what, what_ar = rng.choice(
                        [
                            ("airport", "مطار"),
                            ("citadel", "قلعة"),
                            ("air base", "قاعدة جوية"),
                            ("central square", "ساحة"),
                        ]
                    )
                    site = w.add_place("Site", f"{name} {what}", f"{what_ar} {name_ar}", town, -1, "")
                    th.sites.append(site)
    for s in th.states:
        if s != th.host or not th.settlements:
            name, name_ar = _settlement_name(w)
            w.capital[s] = w.add_place("Settlement", name, name_ar, -1, s, "")
        else:
            w.capital[s] = th.settlements[0]
    host_adj = adj.get(th.host, "Unnamed")
    th.war_iri = f"<{SYN_ID}war-{th.index + 1}>"
    th.war_label = f"{host_adj} civil war"
    th.war_label_ar = f"الحرب الأهلية في {state_ar.get(th.host, '')}"
    th.war_start = rng.randint(dt.date(1994, 1, 1).toordinal(), dt.date(2018, 12, 31).toordinal())
    th.war_precision = rng.choice((2, 2, 3, 1))


def _name_one(w: World, th: Theatre, ctx: _Context, a_i: int, a: Actor) -> None:
    """Draw a name for actor ``a_i`` (of any kind but a state), using ``th`` for places and host."""
    rng, actors = w.rng, w.actors
    adj, state_ar, style, used = ctx.adj, ctx.state_ar, ctx.style, ctx.used
    host = th.host
    kind = a.kind
    if kind in ("Government", "ArmedForce", "GovernmentBody"):
        s = a.parent
        sa, sar = adj[s], state_ar[s]
        if kind == "Government":
            a.label, a.label_ar = f"{sa} government", f"حكومة {sar}"
            a.aliases = (f"government of {actors[s].label}",)
        elif kind == "ArmedForce":
            if a_i not in w.second_forces:
                a.label, a.label_ar = f"{sa} army", f"جيش {sar}"
                a.aliases = (f"{sa} armed forces",)
            else:
                a.label, a.label_ar = f"{sa} air force", f"سلاح الجو في {sar}"
        else:
            what, what_ar = rng.choice(
                [
                    ("defence ministry", "وزارة الدفاع"),
                    ("interior ministry", "وزارة الداخلية"),
                    ("foreign ministry", "وزارة الخارجية"),
                ]
            )
            a.label, a.label_ar = f"{sa} {what}", f"{what_ar} في {sar}"
    elif kind == "IntergovernmentalOrganisation":
        theme = rng.choice(WORDS)[2].removeprefix("the ").capitalize()
        a.label = f"{theme} {rng.choice(('Council', 'League', 'Organisation', 'Union'))} of States"
        a.aliases = ("".join(p[0] for p in a.label.split() if p[0].isupper()),)
    elif kind == "ArmedGroup":
        if rng.random() < 0.7:
            head = rng.choice(GROUP_HEADS)
            w1 = rng.choice(WORDS)
            if rng.random() < 0.5:
                w2 = rng.choice(WORDS)
                while w2 is w1:
                    w2 = rng.choice(WORDS)
                a.label = f"{head[0]} {w1[0]} wa {w2[0]}"
                a.label_ar = f"{head[1]} {w1[1]} و{w2[1]}"
                a.aliases = (f"{head[2]} of {w1[2]} and {w2[2]}",)
            else:
                a.label, a.label_ar = f"{head[0]} {w1[0]}", f"{head[1]} {w1[1]}"
                a.aliases = (f"{head[2]} of {w1[2]}",)
        else:
            where = w.places[rng.choice(th.settlements)].label if th.settlements else adj.get(host, "Free")
            what = rng.choice(("Martyrs Brigade", "Defence Units", "Free Battalion", "Revolutionaries",
                               "Liberation Front", "Guardians"))  # fmt: skip
            a.label = f"{where} {what}"
            a.aliases = ("".join(p[0] for p in a.label.split() if p[0].isupper()),)
    elif kind == "Coalition":
        if rng.random() < 0.5:
            word = rng.choice(WORDS)
            a.label, a.label_ar = f"Ghurfat Amaliyat {word[0]}", f"غرفة عمليات {word[1]}"
            a.aliases = (f"{word[2]} Operations Room",)
        else:
            quality = rng.choice(("National", "Democratic", "Liberation", "Revolutionary", "Unified", "Free"))
            body = rng.choice(("Army", "Forces", "Front", "Alliance", "Council"))
            a.label = f"{adj.get(host, 'Free')} {quality} {body}"
            a.aliases = ("".join(p[0] for p in a.label.split()),)
    elif kind == "Person":
        s = _person_state(w, a)
        a.label, a.label_ar, a.aliases, a.aliases_ar = _person_name(w, style.get(s, 0), used)
    elif kind == "Collective":
        r = rng.random()
        s = th.states[rng.randrange(len(th.states))] if th.states else -1
        if r < 0.3 and s >= 0:
            a.label = f"{adj[s]} officials"
            a.parent = s
        elif r < 0.5:
            a.label = rng.choice(("military sources", "security sources", "opposition sources",
                                  "local activists", "rebel commanders", "medical sources"))  # fmt: skip
            if th.regions:
                a.label += f" in {w.places[rng.choice(th.regions)].label}"
        elif r < 0.75 and th.settlements:
            a.label = f"residents of {w.places[rng.choice(th.settlements)].label}"
        else:
            g = th.pick(rng, "ArmedGroup1", "ArmedGroup2", "ArmedGroup0")
            a.label = f"fighters loyal to {actors[g].label}" if g >= 0 else "unnamed fighters"
            a.parent = g
    elif kind == "PoliticalOrganisation":
        word = rng.choice(WORDS)
        a.label = f"{adj.get(host, 'Free')} {rng.choice(('Democratic', 'Socialist', 'National', 'Popular'))} "
        a.label += rng.choice(("Party", "Union", "Movement", "Council"))
        if rng.random() < 0.5:
            a.label_ar = f"حزب {word[1]}"
            a.aliases = (f"Hizb {word[0]}",)
    elif kind == "Media":
        name = w.places[rng.choice(th.settlements)].label if th.settlements else adj.get(host, "Free")
        a.label = f"{name} {rng.choice(('TV', 'Radio', 'News Agency', 'Today', 'Network', 'Post'))}"
    elif kind == "CivilOrganisation":
        where = w.places[rng.choice(th.regions)].label if th.regions else adj.get(host, "Free")
        a.label = f"{where} {rng.choice(('Civil Defence', 'Relief Committee', 'Medical Council'))}"


def name_all(w: World) -> None:
    """Name every actor, place, war and designation instrument of ``w`` (after its layout)."""
    rng, actors = w.rng, w.actors
    ctx = _Context()
    # states and their places first: every other name may refer to them
    for th in w.theatres:
        _name_theatre(w, th, ctx)
    ctx.used = used = {a.label for a in actors if a.label}
    # NB: the other actors' names draw places and hosts from ``th``, which is the last theatre, or
    # the theatre of the last actor whose name had to be disambiguated, not always the actor's own
    # theatre. Kept as it is: changing it would change the output of every seed.
    th = w.theatres[-1]
    for a_i, a in enumerate(actors):
        if a.label:
            continue
        for _ in range(4):  # names repeat in real life, but rarely: draw again a few times
            _name_one(w, th, ctx, a_i, a)
            if a.label not in used:
                break
            a.label, a.label_ar, a.aliases, a.aliases_ar = "", "", (), ()
        else:
            _name_one(w, th, ctx, a_i, a)
            th = w.theatres[a.theatre]
            if th.settlements:
                where = w.places[th.settlements[rng.randrange(len(th.settlements))]]
                a.label += f" ({where.label})"
                if a.label_ar:
                    a.label_ar += f" ({where.label_ar})"
        used.add(a.label)
    _name_instruments(w)


def _name_instruments(w: World) -> None:
    """The designation instruments of each authority: a list, sometimes a proscription order."""
    rng, actors = w.rng, w.actors
    for au in [*w.states, *w.igos]:
        label = actors[au].label
        items = [(w.new_iri("instrument"), f"{label} list of terrorist organisations")]
        if au in w.igos:
            items = [(w.new_iri("instrument"), f"{label} sanctions list")]
        elif rng.random() < 0.4:
            items.append((w.new_iri("instrument"), f"{label} proscription order"))
        w.instruments[au] = items


def _person_state(w: World, a: Actor) -> int:
    """The state whose naming style a person's name follows (mostly the host of its theatre)."""
    th = w.theatres[a.theatre]
    if not th.states:
        return -1
    return th.host if w.rng.random() < 0.7 else th.states[w.rng.randrange(len(th.states))]
