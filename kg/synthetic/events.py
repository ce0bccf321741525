"""Events and claims: offensives, airstrikes, captures, withdrawals, talks and agreements,
gatherings, political changes and foundings, each part of its theatre's war with the participation
of actors; and claims, attributed to a claimant, whose propositions are never statements.
"""

from __future__ import annotations

import datetime as dt

from kg.synthetic.builder import SourceBuilder
from kg.synthetic.names import KIND_NAMES, KIND_PHRASES, KIND_WEIGHTS, OPERATIONS
from kg.synthetic.ntriples import (
    ABOUT,
    ALT,
    CLAIM_KIND,
    CLAIMANT,
    CONTROLLER,
    DATE,
    EARLIEST,
    END,
    EVENT,
    EXTENT,
    LATEST,
    MIN_SPAN,
    OBJECT,
    PART_OF_EVENT,
    PARTICIPANT,
    PLACE,
    PREF,
    PROPOSITION,
    ROLE,
    START,
    STATEMENT_KIND,
    SUBJECT,
    SUMMARY,
    SUPPORT_KIND,
    SYN_ID,
    SYN_ST,
    A,
    ar,
    ck,
    en,
    local_id,
    plain,
)
from kg.synthetic.statements import control

__all__ = ["founding", "new_event", "participation", "political_change", "random_claim", "random_event"]


def new_event(src: SourceBuilder, cls: str, slug: str, label: str, t: int) -> str:
    """A new event of class ``cls`` in the war of theatre ``t``, labelled and cited; its IRI term."""
    src.events += 1
    node = f"<{SYN_ID}{slug}-{src.j + 1}-{src.events}>"
    src.t(node, A, ck(cls))
    src.t(node, PREF, en(label))
    src.t(node, PART_OF_EVENT, src.war(t))
    src.cite(node)
    return node


def participation(src: SourceBuilder, actor: int, event: str, role: str) -> None:
    """A ``ck:Participation`` of ``actor`` in ``event`` with ``role`` (``Attacker``...), unless actor is -1."""
    if actor < 0:
        return
    name = f"{local_id(src.w.actors[actor].iri)}-{role.lower()}-{local_id(event)}"
    node = f"<{SYN_ST}{name}>"
    body = src.body
    body.append(f"{node} {A} {ck('Participation')}")
    body.append(f"{node} {PARTICIPANT} {src.actor(actor)}")
    body.append(f"{node} {EVENT} {event}")
    body.append(f"{node} {ROLE} {ck(role + 'Role')}")
    src.cite(node)
    src.statements += 1


def random_event(src: SourceBuilder, t: int) -> None:
    """A random event of theatre ``t`` in one of its settlements, with its participants."""
    w, rng = src.w, src.rng
    th = w.theatres[t]
    if not th.settlements:
        return
    town = th.settlements[rng.randrange(len(th.settlements))]
    where = w.places[town].label
    day = rng.randint(th.war_start, LATEST - 10)
    year = dt.date.fromordinal(day).year
    r = rng.random()
    if r < 0.2:
        attacker = th.pick(rng, "Coalition1", "ArmedGroup1")
        op, op_ar = rng.choice(OPERATIONS)
        node = new_event(src, "Offensive", "offensive", f"offensive on {where} ({year})", t)
        if rng.random() < 0.6:
            src.t(node, ALT, en(f"Operation {op}"))
            src.t(node, ALT, ar(f"عملية {op_ar}"))
        src.date(node, START, day)
        if rng.random() < 0.5 and day + MIN_SPAN < LATEST:
            src.date(node, END, day + rng.randint(MIN_SPAN, MIN_SPAN + 200))
        src.t(node, PLACE, src.place(town))
        participation(src, attacker, node, "Attacker")
        participation(src, th.pick(rng, "ArmedForce0", "ArmedGroup0"), node, "Defender")
        if rng.random() < 0.4:
            participation(src, th.pick(rng, "ArmedGroup1"), node, "Leader")
    elif r < 0.4:
        attacker = w.foreign_state(rng, t, 0.5) if rng.random() < 0.5 else th.pick(rng, "ArmedForce0")
        target = town
        sites = [x for x in th.sites if w.places[x].parent_place == town]
        if sites and rng.random() < 0.5:
            target = sites[0]
            where = w.places[target].label
        node = new_event(src, "Airstrike", "airstrikes", f"airstrikes on {where} ({year})", t)
        src.date(node, DATE, day)
        src.t(node, PLACE, src.place(target))
        participation(src, attacker, node, "Attacker")
        participation(src, th.pick(rng, "ArmedGroup1", "ArmedGroup2"), node, "Target")
    elif r < 0.55:
        attacker = th.pick(rng, "ArmedGroup1", "ArmedGroup2", "ArmedForce0")
        node = new_event(src, "Capture", "capture", f"capture of {where} ({year})", t)
        src.date(node, DATE, day)
        src.t(node, PLACE, src.place(town))
        participation(src, attacker, node, "Attacker")
        participation(src, th.pick(rng, "ArmedForce0", "ArmedGroup0"), node, "Defender")
        if attacker >= 0 and rng.random() < 0.5:
            control(src, attacker, town)
    elif r < 0.63:
        force = th.pick(rng, "ArmedForce0", "ArmedGroup1")
        node = new_event(src, "Withdrawal", "withdrawal", f"withdrawal from {where} ({year})", t)
        src.date(node, DATE, day)
        src.t(node, PLACE, src.place(town))
        participation(src, force, node, "Subject")
    elif r < 0.78 and len(w.states) > 1:
        a_, b_ = th.host if th.host >= 0 else w.states[0], w.foreign_state(rng, t, 0.6)
        if a_ == b_:
            return
        cls = "Talks" if rng.random() < 0.6 else "Agreement"
        noun = "talks" if cls == "Talks" else "agreement"
        label = f"{w.actors[a_].label}–{w.actors[b_].label} {noun} ({year})"
        node = new_event(src, cls, noun, label, t)
        src.date(node, DATE, day, 3 if cls == "Agreement" else None)
        capital = w.capital.get(b_ if rng.random() < 0.5 else a_, -1)
        if capital >= 0:
            src.t(node, PLACE, src.place(capital))
        participation(src, a_, node, "Party")
        participation(src, b_, node, "Party")
    elif r < 0.9:
        collective = th.pick(rng, "Collective", "CivilOrganisation")
        node = new_event(src, "Gathering", "gathering", f"rally in {where} ({year})", t)
        src.date(node, DATE, day)
        src.t(node, PLACE, src.place(town))
        participation(src, collective, node, "Participant")
        participation(src, th.pick(rng, "CivilOrganisation", "Media"), node, "Participant")
    else:
        political_change(src, th.pick(rng, "Government0"))


def political_change(src: SourceBuilder, gov: int) -> None:
    """A change of leadership in government ``gov`` (none if -1)."""
    if gov < 0:
        return
    w, rng = src.w, src.rng
    t = w.actors[gov].theatre
    day = rng.randint(w.theatres[t].war_start, LATEST - 10)
    label = f"change of leadership in the {w.actors[gov].label} ({dt.date.fromordinal(day).year})"
    node = new_event(src, "PoliticalChange", "political-change", label, t)
    src.date(node, DATE, day)
    participation(src, gov, node, "Subject")


def founding(src: SourceBuilder, i: int) -> None:
    """The founding of actor ``i``."""
    a = src.w.actors[i]
    node = new_event(src, "Founding", "founding", f"founding of {a.label}", a.theatre)
    src.date(node, DATE, src.rng.randint(max(src.lo(i), EARLIEST), LATEST - 400))
    participation(src, i, node, "Subject")


def random_claim(src: SourceBuilder, t: int) -> None:
    """A claim by an actor of theatre ``t``: of support, of control of a town, of fighting or a promise."""
    w, rng = src.w, src.rng
    th = w.theatres[t]
    claimant = th.pick(rng, rng.choice(("Collective", "Collective", "Person", "Media", "State", "ArmedGroup1")),
                       "Collective", "Person")  # fmt: skip
    if claimant < 0:
        return
    src.claims += 1
    node = f"<{SYN_ID}claim-{src.j + 1}-{src.claims}>"
    who = w.actors[claimant].label
    body = src.body
    props: list[str] = []  # the propositions, written after the claim
    body.append(f"{node} {A} {ck('Claim')}")
    body.append(f"{node} {CLAIMANT} {src.actor(claimant)}")
    day = rng.randint(th.war_start, LATEST - 5)
    src.date(node, DATE, day, 3 if rng.random() < 0.6 else 2)
    r = rng.random()
    if r < 0.45:
        backer = w.foreign_state(rng, t, 0.5)
        backed = th.pick(rng, rng.choice(("ArmedGroup1", "ArmedGroup2", "Coalition1", "ArmedGroup0")), "ArmedGroup1")
        if backed < 0:
            backed = th.pick(rng, "Collective")
        kind = rng.choices(KIND_NAMES, KIND_WEIGHTS)[0]
        ck_kind, verb = rng.choice((("AccusationClaim", "accused"), ("ReportClaim", "reported"),
                                    ("DenialClaim", "denied"), ("AssessmentClaim", "suggested")))  # fmt: skip
        b, o = w.actors[backer].label, w.actors[backed].label
        phrase = KIND_PHRASES[kind]
        summary = {
            "accused": f"{who} accused {b} of giving {phrase} to {o}.",
            "reported": f"{who} said {b} was providing {o} with {phrase}.",
            "denied": f"{who} rejected reports that {b} was giving {phrase} to {o}.",
            "suggested": f"{who} put the gains of {o} down to {phrase} from {b}.",
        }[verb]
        prop = src.blank()
        body.append(f"{node} {PROPOSITION} {prop}")
        props.append(f"{prop} {A} {ck('Proposition')}")
        props.append(f"{prop} {STATEMENT_KIND} {ck('Support')}")
        props.append(f"{prop} {SUBJECT} {src.actor(backer)}")
        props.append(f"{prop} {OBJECT} {src.actor(backed)}")
        props.append(f"{prop} {SUPPORT_KIND} {ck(kind)}")
        about = [backer, backed]
    elif r < 0.7 and th.settlements:
        controller = th.pick(rng, "ArmedGroup1", "ArmedGroup2", "Coalition1")
        town = th.settlements[rng.randrange(len(th.settlements))]
        if controller < 0:
            controller = claimant
        ck_kind = rng.choice(("StatementClaim", "ReportClaim", "AnnouncementClaim"))
        summary = f"{who} said {w.actors[controller].label} had taken control of {w.places[town].label}."
        prop = src.blank()
        body.append(f"{node} {PROPOSITION} {prop}")
        props.append(f"{prop} {A} {ck('Proposition')}")
        props.append(f"{prop} {STATEMENT_KIND} {ck('TerritorialControl')}")
        props.append(f"{prop} {CONTROLLER} {src.actor(controller)}")
        props.append(f"{prop} {PLACE} {src.place(town)}")
        props.append(f"{prop} {EXTENT} {plain(rng.choice(('part', 'whole')))}")
        body.append(f"{node} {PLACE} {src.place(town)}")
        about = [controller]
    elif r < 0.85:
        a_ = th.pick(rng, "ArmedGroup1", "Coalition1")
        b_ = th.pick(rng, "ArmedGroup0", "ArmedForce0", "ArmedGroup2")
        if a_ < 0 or b_ < 0:
            a_, b_ = claimant, claimant
        ck_kind = "ReportClaim"
        summary = f"{who} reported heavy fighting between {w.actors[a_].label} and {w.actors[b_].label}."
        if a_ != b_:
            prop = src.blank()
            body.append(f"{node} {PROPOSITION} {prop}")
            props.append(f"{prop} {A} {ck('Proposition')}")
            props.append(f"{prop} {STATEMENT_KIND} {ck('Hostility')}")
            props.append(f"{prop} {SUBJECT} {src.actor(a_)}")
            props.append(f"{prop} {OBJECT} {src.actor(b_)}")
        about = [a_, b_]
    else:
        ck_kind = rng.choice(("PromiseClaim", "StatementClaim"))
        summary = f"{who} promised to keep fighting in the {th.war_label}."
        prop = src.blank()
        body.append(f"{node} {PROPOSITION} {prop}")
        props.append(f"{prop} {A} {ck('Proposition')}")
        props.append(f"{prop} {STATEMENT_KIND} {ck('Participation')}")
        props.append(f"{prop} {PARTICIPANT} {src.actor(claimant)}")
        props.append(f"{prop} {EVENT} {src.war(t)}")
        props.append(f"{prop} {ROLE} {ck('BelligerentRole')}")
        about = [claimant]
    body.append(f"{node} {CLAIM_KIND} {ck(ck_kind)}")
    for x in dict.fromkeys(about):
        body.append(f"{node} {ABOUT} {src.actor(x)}")
    body.append(f"{node} {SUMMARY} {en(summary)}")
    src.cite(node)
    body.extend(props)
