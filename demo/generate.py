"""Plans for the demo proposals: who, what, in which session and how far along.

Pure data from a seeded random generator (no database, no clock except the `today` it is
given), so a plan list is the same on every run of the same day. Each plan names a
*scenario* — the state its proposal ends in, and how it got there — that `build.py`
plays through the workflow services.
"""

import random
from dataclasses import dataclass, field

from demo import data

SEED = 20250620  # the day proposal 118 was answered

# Scenarios, and how many of each a session carries. Older sessions are finished; the
# newest one (the current session) has every state of the workflow.
FINISHED_SESSION = {
    "closed": 36,
    "closed_rehandled": 2,
    "rejected": 3,
    "converted": 3,
    "merged": 4,
}
CURRENT_SESSION = {
    "draft": 3,
    "submitted": 4,
    "registered": 3,
    "rejected": 2,
    "converted": 2,
    "merged": 3,
    "pending": 3,
    "reassignment_pending": 2,
    "accepted": 3,
    "due_soon": 4,
    "overdue": 4,
    "extension_pending": 2,
    "opinions_waiting": 2,
    "draft_reply": 1,
    "separate_partial": 1,
    "replied": 4,
    "evaluated": 4,
    "rehandling": 2,
    "closed": 7,
}
# Scenarios whose proposal is handled by agencies (and may absorb merged proposals).
HANDLED = {
    "pending",
    "reassignment_pending",
    "accepted",
    "due_soon",
    "overdue",
    "extension_pending",
    "opinions_waiting",
    "draft_reply",
    "separate_partial",
    "replied",
    "evaluated",
    "rehandling",
    "closed",
    "closed_rehandled",
}
# Scenarios that need a particular shape of assignment.
NEEDS_HELPERS = {"opinions_waiting"}
NEEDS_SEPARATE = {"separate_partial"}
SOLE_ONLY = {"reassignment_pending", "draft_reply", "closed_rehandled", "rehandling"}


@dataclass
class SponsorRef:
    name: str
    kind: str  # SponsorKind value
    affiliation: str = ""


@dataclass
class Plan:
    term: int
    meeting: int
    number: int
    scenario: str
    category: str
    topic: data.Topic
    title: str
    body: str
    kind: str  # ProposalKind value
    lead: SponsorRef
    co_sponsors: list[SponsorRef] = field(default_factory=list)
    agencies: list[tuple[str, str]] = field(default_factory=list)  # (agency code, role)
    absorbs: list["Plan"] = field(default_factory=list)  # proposals merged into this one
    seed: str = ""


# --- sponsors ---------------------------------------------------------------------------------


def members(rng: random.Random) -> list[SponsorRef]:
    names: list[str] = []
    while len(names) < data.MEMBER_COUNT:
        name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)
        if name not in names:
            names.append(name)
    result = []
    for name in names:
        party = rng.choices(data.MEMBER_PARTIES, weights=[3, 1, 2, 2, 2, 1, 1, 1, 1, 2])[0]
        sector = rng.choice(data.MEMBER_SECTORS)
        result.append(SponsorRef(name, "member", f"{party} · {sector}"))
    return result


def organisations() -> list[SponsorRef]:
    orgs = [SponsorRef(name, "party", name.removeprefix("市")) for name, _code in data.PARTIES]
    orgs.append(SponsorRef(data.FEDERATION[0], "federation", "工商联"))
    orgs += [SponsorRef(name, "sector", name) for name in data.SECTORS]
    orgs += [SponsorRef(name, "committee", "专门委员会") for name in data.COMMITTEES]
    return orgs


def all_sponsors() -> list[SponsorRef]:
    return members(random.Random(SEED)) + organisations()


# --- text -------------------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九"


def proposal_body(topic: data.Topic, core: str, rng: random.Random) -> str:
    problems = list(topic.problems) + rng.sample(data.GENERIC_PROBLEMS, 1)
    measures = list(topic.measures) + rng.sample(data.GENERIC_MEASURES, 2)
    rng.shuffle(measures)
    paragraphs = [
        f"近年来，{topic.context}。围绕“{core}”，我们开展了专题调研，"
        "走访了相关部门、企业和基层单位，听取了各方面意见。调研发现，"
        "相关工作虽然取得了积极成效，但对照高质量发展的要求，仍存在一些短板和不足。",
        "一、存在的问题",
        *[f"{i}.{text}。" for i, text in enumerate(problems, start=1)],
        "二、对策建议",
        *[f"{i}.{text}。" for i, text in enumerate(measures, start=1)],
    ]
    return "\n\n".join(paragraphs)


def _title(core: str, kind: str, rng: random.Random) -> str:
    if kind == "proposal" and rng.random() < 0.25:
        return f"关于{core}的提案"
    return f"关于{core}的建议"


# --- plans ------------------------------------------------------------------------------------


def _category_counts(total: int) -> list[str]:
    """Categories for `total` proposals in the proportions of docs/domain.md (largest remainder)."""
    weight_sum = sum(weight for _name, weight in data.CATEGORIES)
    exact = [(name, total * weight / weight_sum) for name, weight in data.CATEGORIES]
    counts = {name: int(value) for name, value in exact}
    leftovers = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    for name, _value in leftovers[: total - sum(counts.values())]:
        counts[name] += 1
    return [name for name, count in counts.items() for _ in range(count)]


def _pick_agencies(scenario: str, topic: data.Topic, rng: random.Random) -> list[tuple[str, str]]:
    helpers = [code for code in topic.helpers if code != topic.lead]
    shape = rng.random()
    if scenario in NEEDS_SEPARATE or (scenario not in SOLE_ONLY and shape > 0.9 and helpers):
        return [(topic.lead, "separate"), (helpers[0], "separate")]
    if scenario in NEEDS_HELPERS and len(helpers) < 2:
        spare = [code for code, *_ in data.AGENCIES if code not in helpers and code != topic.lead]
        helpers = helpers + spare[:1]
    if scenario in NEEDS_HELPERS or (scenario not in SOLE_ONLY and shape > 0.55 and helpers):
        count = 2 if scenario in NEEDS_HELPERS else rng.choice([1, 1, 2])
        chosen = rng.sample(helpers, min(count, len(helpers)))
        roles = [(code, rng.choice(["joint", "joint", "assisting"])) for code in chosen]
        return [(topic.lead, "lead"), *roles]
    return [(topic.lead, "sole")]


def _sponsors_for(rng: random.Random, people: list[SponsorRef], orgs: list[SponsorRef]):
    kind = rng.choices(
        ["member", "party", "federation", "sector", "committee"], weights=[62, 20, 3, 8, 7]
    )[0]
    if kind == "member":
        lead = rng.choice(people)
        co = rng.sample([p for p in people if p is not lead], rng.choice([0, 0, 1, 2, 3, 4]))
        return lead, co
    lead = rng.choice([o for o in orgs if o.kind == kind])
    return lead, []


def session_plans(
    spec: data.SessionSpec,
    *,
    current: bool,
    reserved_numbers: set[int],
    people: list[SponsorRef],
    orgs: list[SponsorRef],
) -> list[Plan]:
    """The plans of one session, numbered, with merged proposals attached to their target."""
    rng = random.Random(f"{SEED}-{spec.term}-{spec.meeting}")
    counts = CURRENT_SESSION if current else FINISHED_SESSION
    scenarios = [name for name, count in counts.items() for _ in range(count)]
    scenarios = scenarios[: spec.size] + ["closed"] * max(0, spec.size - len(scenarios))
    rng.shuffle(scenarios)
    categories = _category_counts(len(scenarios))
    rng.shuffle(categories)
    pool = [n for n in range(1, spec.size * 5) if n not in reserved_numbers]
    numbers = sorted(rng.sample(pool, len(scenarios)))
    used_cores: set[str] = set()

    plans = []
    for number, scenario, category in zip(numbers, scenarios, categories, strict=True):
        prng = random.Random(f"{SEED}-{spec.term}-{spec.meeting}-{number}")
        topics = [t for t in data.TOPICS if t.category == category]
        topic = prng.choice(topics)
        fresh = [c for c in topic.cores if c not in used_cores] or list(topic.cores)
        core = prng.choice(fresh)
        used_cores.add(core)
        lead, co = _sponsors_for(prng, people, orgs)
        kind = (
            "suggestion"
            if lead.kind in {"party", "federation"} and prng.random() < 0.5
            else ("proposal")
        )
        plans.append(
            Plan(
                term=spec.term,
                meeting=spec.meeting,
                number=number,
                scenario=scenario,
                category=category,
                topic=topic,
                title=_title(core, kind, prng),
                body=proposal_body(topic, core, prng),
                kind=kind,
                lead=lead,
                co_sponsors=co,
                agencies=_pick_agencies(scenario, topic, prng) if scenario in HANDLED else [],
                seed=f"{SEED}-{spec.term}-{spec.meeting}-{number}",
            )
        )
    _attach_merged(plans, rng)
    return plans


def _attach_merged(plans: list[Plan], rng: random.Random) -> None:
    """Each merged proposal joins a handled one of the same session (并案), preferably on
    the same topic, and is built together with it."""
    merged = [p for p in plans if p.scenario == "merged"]
    targets = [p for p in plans if p.scenario in HANDLED and p.scenario != "pending"]
    for plan in merged:
        same_topic = [t for t in targets if t.topic is plan.topic]
        target = rng.choice(same_topic or targets)
        target.absorbs.append(plan)
        plans.remove(plan)


def demo_plans(*, seed_number: int) -> list[Plan]:
    """Every plan of every session (top-level; merged ones hang under their target)."""
    people = members(random.Random(SEED))
    orgs = organisations()
    plans = []
    for index, spec in enumerate(data.SESSIONS):
        reserved = {seed_number} if (spec.term, spec.meeting) == data.SEED_SESSION else set()
        plans += session_plans(
            spec,
            current=index == len(data.SESSIONS) - 1,
            reserved_numbers=reserved,
            people=people,
            orgs=orgs,
        )
    return plans
