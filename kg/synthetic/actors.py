"""What each actor does: the statements, events and claims a source makes about an actor, by kind.

:func:`make_actor` is called once per actor, in the actor's home source: a state backs sides in
nearby wars, a host government fights the rebels, an armed group joins a coalition, has enemies,
allies and backers, is sometimes renamed and designated... Every actor may also take part in an
event of its theatre or make a claim.
"""

from __future__ import annotations

from kg.synthetic.builder import SourceBuilder
from kg.synthetic.events import founding, political_change, random_claim, random_event
from kg.synthetic.ntriples import (
    EARLIEST,
    LATEST,
    OFFICE_TITLE,
    START,
    SUBJECT,
    local_id,
    plain,
)
from kg.synthetic.statements import control, designate, former_name, office, pair, support
from kg.synthetic.world import Actor, Theatre

__all__ = ["make_actor"]


def make_actor(src: SourceBuilder, i: int) -> None:
    """The facts of actor ``i`` made in its home source, by its kind; maybe an event and a claim."""
    w, rng = src.w, src.rng
    a = w.actors[i]
    src.actor(i)
    th = w.theatres[a.theatre]
    kind = a.kind
    if kind == "State":
        for _ in range(rng.choice((2, 3, 4, 5, 6)) + (8 if i in w.majors else 0)):
            t = rng.randrange(w.n_theatres) if i in w.majors else (a.theatre + rng.randint(-2, 2)) % w.n_theatres
            other = w.theatres[t]
            side = w.state_pref(i, t)
            if other.host == i:
                continue
            target = (
                other.pick(rng, "Government0", "ArmedForce0")
                if side == 0
                else other.pick(rng, f"ArmedGroup{side}", f"Coalition{side}")
            )
            support(src, i, target)
        if rng.random() < 0.6:
            pair(src, "Alliance", "allied-with", i, w.foreign_state(rng, a.theatre))
        if rng.random() < 0.25:
            pair(src, "Hostility", "opposes", i, w.foreign_state(rng, a.theatre, 0.1))
    elif kind == "Government":
        if a.parent == th.host:
            for _ in range(rng.randint(1, 2)):
                pair(src, "Hostility", "opposes", i, th.pick(rng, "Coalition1", "ArmedGroup1"))
            for _ in range(rng.randint(1, 3)):
                backer = w.foreign_state(rng, a.theatre)
                if backer != a.parent:  # a state does not "back" its own government
                    support(src, backer, i)
        if rng.random() < 0.3:
            political_change(src, i)
    elif kind == "ArmedForce":
        pair(src, "PartOf", "part-of", i, a.parent)
        if a.parent == th.host:
            for _ in range(rng.randint(1, 3)):
                pair(src, "Hostility", "opposes", i, th.pick(rng, "ArmedGroup1", "ArmedGroup2"))
        else:
            t = rng.randrange(w.n_theatres)
            if w.state_pref(a.parent, t) == 0:
                support(src, i, w.theatres[t].pick(rng, "Government0", "ArmedForce0"), ["AirSupport"])
    elif kind == "GovernmentBody":
        pair(src, "PartOf", "part-of", i, w.government.get(a.parent, a.parent))
    elif kind == "IntergovernmentalOrganisation":
        for _ in range(rng.randint(3, 8)):
            pair(src, "Membership", "member-of", w.states[rng.randrange(len(w.states))], i)
    elif kind == "ArmedGroup":
        _armed_group(src, i, a, th)
    elif kind == "Coalition":
        side = a.side
        if rng.random() < 0.6:
            pair(src, "Leadership", "leads", th.pick(rng, f"ArmedGroup{side}"), i)
        pair(src, "Hostility", "opposes", i, th.pick(rng, f"Coalition{(side + 1) % 3}", f"ArmedGroup{(side + 1) % 3}"))
        for _ in range(rng.choice((0, 1, 1, 2))):
            s = w.foreign_state(rng, a.theatre)
            if side == 0 or (s != th.host and (w.state_pref(s, a.theatre) == side or rng.random() < 0.3)):
                support(src, s, i)
        if rng.random() < 0.3:
            pair(src, "Alliance", "allied-with", i, th.pick(rng, f"Coalition{side}"))
        if side != 0 and rng.random() < 0.2:
            designate(src, i, None)
        if rng.random() < 0.3:
            founding(src, i)
    elif kind == "Person":
        _person(src, i, a, th)
    elif kind == "Collective":
        if a.parent >= 0:
            parent = w.actors[a.parent]
            if parent.kind == "State":
                pair(src, "Membership", "member-of", i, a.parent)
            else:
                pair(src, "Affiliation", "affiliated-with", i, a.parent)
        elif rng.random() < 0.6:
            pair(src, "Affiliation", "affiliated-with", i, th.pick(rng, "ArmedGroup1", "ArmedGroup2"))
    elif kind == "PoliticalOrganisation":
        if rng.random() < 0.6:
            pair(src, "Affiliation", "affiliated-with", i, th.pick(rng, "ArmedGroup1", "ArmedGroup2", "ArmedGroup0"))
        if rng.random() < 0.3:
            pair(src, "Alliance", "allied-with", i, th.pick(rng, "Coalition1", "Coalition2"))
        if rng.random() < 0.05:
            designate(src, i, None)
    elif kind == "Media" and rng.random() < 0.6:
        pair(src, "Affiliation", "affiliated-with", i, th.pick(rng, "Government0", "ArmedGroup1", "Coalition1"))
    # CivilOrganisation: a claimant and an event participant only.
    if rng.random() < 0.6:
        random_event(src, a.theatre)
    if rng.random() < 0.25:
        random_claim(src, a.theatre)


def _armed_group(src: SourceBuilder, i: int, a: Actor, th: Theatre) -> None:
    """An armed group: coalition, enemies, allies, backers; maybe renamed, designated, in control of a town."""
    w, rng = src.w, src.rng
    side = a.side
    if rng.random() < 0.75:
        pair(src, "Membership", "member-of", i, th.pick(rng, f"Coalition{side}"))
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        enemy_side = rng.choice([s for s in (0, 1, 2) if s != side])
        key = "ArmedForce0" if enemy_side == 0 and rng.random() < 0.5 else f"ArmedGroup{enemy_side}"
        pair(src, "Hostility", "opposes", i, th.pick(rng, key, f"ArmedGroup{enemy_side}"))
    if rng.random() < 0.7:
        pair(src, "Alliance", "allied-with", i, th.pick(rng, f"ArmedGroup{side}"))
    if rng.random() < 0.8:
        for _ in range(rng.randint(1, 3)):
            s = w.foreign_state(rng, a.theatre)
            if side == 0 or (s != th.host and (w.state_pref(s, a.theatre) == side or rng.random() < 0.35)):
                support(src, s, i)
            elif rng.random() < 0.8:
                support(src, th.pick(rng, f"ArmedGroup{side}", f"Coalition{side}"), i)
    renamed: tuple[str, int, int] | None = None
    if rng.random() < 0.22:
        renamed = former_name(src, i, a)
    if side != 0 and rng.random() < 0.6:
        designate(src, i, renamed)
    if rng.random() < 0.35 and th.settlements:
        control(src, i, th.settlements[rng.randrange(len(th.settlements))])
    if rng.random() < 0.2:
        pair(src, "Affiliation", "affiliated-with", i, th.pick(rng, f"Coalition{side}", "Coalition1"))
    if rng.random() < 0.03:
        target = th.pick(rng, f"Coalition{side}")
        node = src.statement("Merger", "merged-into", i, target)
        if node is not None:
            src.date(node, START, rng.randint(max(src.lo(i), EARLIEST), LATEST - 30))
    elif rng.random() < 0.02:
        node = src.blank_statement("Dissolution", f"{local_id(w.actors[i].iri)}-dissolved")
        src.t(node, SUBJECT, src.actor(i))
        src.date(node, START, rng.randint(max(src.lo(i) + 2 * 365, EARLIEST), LATEST - 30))


def _person(src: SourceBuilder, i: int, a: Actor, th: Theatre) -> None:
    """A person: an office (and maybe a former one), a membership, sometimes a leadership or designation."""
    w, rng = src.w, src.rng
    r = rng.random()
    titles: tuple[str, ...]
    if r < 0.35 and th.states:
        s = th.host if rng.random() < 0.6 else th.states[rng.randrange(len(th.states))]
        org = w.government.get(s, s)
        titles = ("President", "Prime Minister", "Foreign Minister", "Defence Minister", "Interior Minister",
                  "Special Envoy", "Minister of Information")  # fmt: skip
        if rng.random() < 0.3:
            org = s
    elif r < 0.5:
        org = th.pick(rng, "ArmedForce0")
        titles = ("Chief of Staff", "Commander", "Deputy Commander", "Spokesman")
    elif r < 0.85:
        org = th.pick(rng, f"ArmedGroup{rng.choice((1, 1, 2, 0))}", "ArmedGroup1")
        titles = ("Commander", "Emir", "Spokesman", "Deputy Commander", "Head of the political office")
    else:
        org = th.pick(rng, "PoliticalOrganisation", "Coalition1", "ArmedGroup1")
        titles = ("Secretary-General", "Chair", "General Commander", "Spokesman")
    if org >= 0 and rng.random() < 0.92:
        office(src, i, org, rng.choice(titles))
        if rng.random() < 0.35:
            other = th.pick(rng, "ArmedGroup1", "ArmedGroup2", "ArmedGroup0")
            node = src.statement("Office", "held-office-in", i, other)
            if node is not None:
                src.t(node, OFFICE_TITLE, plain(rng.choice(("Commander", "Spokesman", "Adviser"))))
                src.span(node, src.lo(i), p_start=0.8, p_end=1.0)
    if rng.random() < 0.7:
        pair(src, "Membership", "member-of", i, th.pick(rng, "ArmedGroup1", "ArmedGroup2", "ArmedGroup0"))
    if org >= 0 and w.actors[org].kind in ("ArmedGroup", "Coalition") and rng.random() < 0.15:
        pair(src, "Leadership", "leads", i, org)
    if rng.random() < 0.06:
        designate(src, i, None)
