"""What a search term names besides text: a proposal's number, a sponsor, an agency.

Visitors type what the cards print: `100` or `第 118 号` for proposal No. 100 or 118,
`钱斌` or `市致公党` for a sponsor, `苏州市交通运输局` (or its short name 市交通运输局) for
an agency. A term holds for a proposal when its text holds the term (portal.search), or
the term is the proposal's number, or the term is the whole name of one of its sponsors
or of an agency with a live assignment on it. Whole names only: nearly every agency is
苏州市…, and 苏州 must stay a text search. Such proposals rank first (search order):
an exact number match, then a name match, then the title and the newest publication.

The sponsors and agencies are small tables, read by name; their proposals come from the
(sponsor, proposal) and (agency, proposal) indexes; a number from the (session, number)
unique index, one descent per session. So a term's proposals are a list of ids, found
in a few milliseconds at 100,000 proposals, which the search documents' query takes as
`proposal_id = ANY(ids)` beside its GIN lookup.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower

from proposals.models import Proposal, Session, Sponsor, Sponsorship
from responses.models import Agency, Assignment, AssignmentState

# "第 118 号", "第118号", "118号" and "no. 118" as one term, the number (on normalized text).
NUMBER_PHRASE = re.compile(r"(?:第\s*(\d{1,9})\s*号|(\d{1,9})\s*号|\bno\.?\s*(\d{1,9})\b)")
NUMBER = re.compile(r"\d{1,9}")


def join_number_phrases(text: str) -> str:
    """The query with each way of writing a proposal number reduced to its digits."""
    return NUMBER_PHRASE.sub(lambda m: f" {next(g for g in m.groups() if g)} ", text)


def number_of(text: str) -> int | None:
    return int(text) if NUMBER.fullmatch(text) else None


def names_a_sponsor_or_agency(text: str) -> bool:
    """Whether a term may be a whole name (two characters at least, not a number)."""
    return len(text) >= 2 and number_of(text) is None


@dataclass
class Named:
    """For each term (by its text), the proposals it names: by number, by name."""

    by_number: dict[str, list[int]] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)

    def ids(self, text: str) -> list[int]:
        return sorted({*self.by_number.get(text, ()), *self.by_name.get(text, ())})


def find_named(terms, using: str = "default") -> Named:
    """The proposals each term names (see the module's docstring); unpublished ones
    among them are left to the caller's scope (the search documents, published())."""
    named = Named()
    for term in terms:
        number = number_of(term.text)
        if number is not None:
            sessions = Session.objects.using(using).values("pk")
            ids = Proposal.objects.using(using).filter(
                session__in=sessions, number=number, is_published=True
            )
            named.by_number[term.text] = list(ids.values_list("pk", flat=True))
        elif names_a_sponsor_or_agency(term.text):
            named.by_name[term.text] = _named_by(term.text, using)
    return named


def _named_by(text: str, using: str) -> list[int]:
    # The ids first, as lists: most terms name nobody (two small reads, and done), and a
    # list keeps the (sponsor, proposal) and (agency, proposal) indexes in use under
    # search.index_scans, where a subquery was planned as a join costing 200 ms.
    sponsors = list(
        Sponsor.objects.using(using)
        .annotate(key=Lower("name"))
        .filter(key=text)
        .values_list("pk", flat=True)
    )
    agencies = list(
        Agency.objects.using(using)
        .annotate(key=Lower("name"), short=Lower("short_name"))
        .filter(Q(key=text) | Q(short=text))
        .values_list("pk", flat=True)
    )
    found: set[int] = set()
    if sponsors:
        sponsored = Sponsorship.objects.using(using).filter(sponsor__in=sponsors)
        found.update(sponsored.values_list("proposal_id", flat=True))
    if agencies:
        assigned = (
            Assignment.objects.using(using)
            .filter(agency__in=agencies)
            .exclude(state=AssignmentState.WITHDRAWN)
        )
        found.update(assigned.values_list("proposal_id", flat=True))
    return sorted(found)


def names_of(proposal: Proposal) -> set[str]:
    """The whole names a term may give for this proposal, as find_named compares them
    (for the reference search: read from the proposal's own rows)."""
    names = {s.sponsor.name.lower() for s in proposal.sponsorships.all()}
    for assignment in proposal.assignments.all():
        if assignment.state != AssignmentState.WITHDRAWN:
            names.add(assignment.agency.name.lower())
            if assignment.agency.short_name:
                names.add(assignment.agency.short_name.lower())
    return names
