"""What a render of a reply letter reads and writes of the redaction review
(docs/redaction.md): the plan it follows — the items staff or the officer chose to keep,
the committee's landline setting — and the findings and check it leaves, as data.
responses/documents/review.py holds the decisions; the render service calls these."""

from responses.documents.render import RedactionPlan, RenderResult
from responses.models import (
    CommitteeRules,
    PersonalDataFinding,
    RedactionDecision,
    ReplyDocument,
)


def plan_for(document: ReplyDocument) -> RedactionPlan:
    keep = document.findings.filter(decision=RedactionDecision.KEEP).values_list(
        "digest", flat=True
    )
    rules = CommitteeRules.of(document.reply.assignment.proposal.committee_id)
    return RedactionPlan(keep=frozenset(keep), landlines=rules.redact_landlines)


def store_findings(document: ReplyDocument, result: RenderResult) -> None:
    """Insert or update one row per item found (decisions already taken stay), drop the
    rows of items no longer found, and mark what the check still read. Called in the
    render's transaction."""
    leaked = {match.digest for match in result.leaks}
    existing = {f.digest: f for f in document.findings.select_for_update()}
    for found in result.findings:
        match = found.match
        fields = {
            "kind": match.kind,
            "preview": match.preview[:200],
            "page": found.page,
            "start": match.start,
            "end": match.end,
            "occurrences": min(found.occurrences, 32767),
            "leaked": match.digest in leaked,
        }
        row = existing.pop(match.digest, None)
        if row is None:
            PersonalDataFinding.objects.create(document=document, digest=match.digest, **fields)
        else:
            PersonalDataFinding.objects.filter(pk=row.pk).update(**fields)
    if existing:
        PersonalDataFinding.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
