"""Chinese full-text search over published proposals and their public replies.

Measured on PostgreSQL 15 at 100,000 proposals (bench/public.py prints the figures):
no zhparser; pg_trgm + ILIKE is exact but a two-character query (苏州) has no trigram and
scans everything; jieba words miss strings that cut across words (型工业). So we index
character bigrams, as Lucene's CJK analyzer does:

- `tokenize("新型工业化 AI")` -> ["新型", "型工", "工业", "业化", "ai"]: overlapping bigrams
  for each run of CJK characters (a lone character stays a unigram), lower-cased words
  for Latin letters and digits, full-width forms folded to ASCII first.
- SearchDocument.tokens stores them space-joined and padded; on PostgreSQL a stored
  generated column `vector = to_tsvector('simple', tokens)` has a GIN index (migration
  0004; the column is PostgreSQL-only, so the model does not declare it).
- A query term becomes its bigrams ANDed (index lookup, no recheck needed), and a term of
  two or more tokens is confirmed with `tokens LIKE '% 型工 工业 %'`, which holds exactly
  when the characters are adjacent. So every hit is a true substring hit, across word
  boundaries included; a two-character term is a single index lookup.
- On SQLite (the embedded default) the same LIKE on tokens does the work without an index.

Ranking: proposals whose title holds the terms first, then the newest publications.
(ts_rank over full bigram vectors was measured too slow for common terms; see bench.)
A page of results is ranked within the search documents (`RankedHits`), which hold
their proposal's normalized title and publication time: ordering the 70,000 hits of 苏州
reads those narrow rows (17 MB at 100k proposals), never the proposals (127 MB, the
body is stored in the row), and the page's 20 proposals are loaded afterwards by id.
For a one-term search the order is two runs in publication order: the proposals whose
title holds the term (found by a second GIN index, over the title's tokens; a title
hit is a hit, the title being the document's first line), then the other hits; a page
of 苏州 then sorts the 8,000 title hits, not the 70,000 hits (5 ms instead of 50).
"""

import operator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from django.db import connections, transaction
from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from proposals.models import Proposal, SearchDocument
from proposals.tokens import (
    ALL_CJK,
    IS_CJK,
    document_tokens,
    normalize,
    tokenize,
)

MAX_TERMS = 5
MAX_TERM_CHARS = 40


@dataclass(frozen=True)
class Term:
    text: str  # as typed, normalized
    tokens: tuple[str, ...]

    @property
    def pattern(self) -> str:
        """What `tokens` must contain for the term to occur in the document."""
        return " " + " ".join(self.tokens) + " "

    @property
    def indexable(self) -> tuple[str, ...]:
        # A lone CJK character is only a token where it stands alone in the document,
        # so it cannot narrow the index lookup; bigrams and words can.
        return tuple(t for t in self.tokens if len(t) > 1 or not IS_CJK.match(t))


def parse_query(q: str | None) -> list[Term]:
    terms = []
    for word in normalize(q or "").split()[:MAX_TERMS]:
        word = word[:MAX_TERM_CHARS]
        tokens = tuple(tokenize(word))
        if tokens:
            terms.append(Term(word, tokens))
    return terms


def _single_character(term: Term) -> bool:
    return len(term.tokens) == 1 and len(term.tokens[0]) == 1 and bool(IS_CJK.match(term.text))


def matching_documents(
    terms: list[Term], using: str = "default", *, confirmed: bool = True
) -> QuerySet:
    """SearchDocument rows holding every term. With confirmed=False, only what the index
    finds (on PostgreSQL: every bigram present), before `confirmations` narrow it."""
    docs = SearchDocument.objects.using(using)
    postgres = connections[using].vendor == "postgresql"
    indexable = [token for term in terms for token in term.indexable]
    if postgres and indexable:
        docs = docs.filter(
            RawSQL(
                "vector @@ plainto_tsquery('simple'::regconfig, %s)",
                (" ".join(dict.fromkeys(indexable)),),
                output_field=BooleanField(),
            )
        )
    return docs.filter(*confirmations(terms, using)) if confirmed else docs


def confirmations(terms: list[Term], using: str = "default") -> list[Q]:
    """What the index cannot tell: that a term's bigrams are adjacent (read from each
    candidate's text, about 5 µs a document)."""
    postgres = connections[using].vendor == "postgresql"
    checks = []
    for term in terms:
        if _single_character(term):
            # One character: any bigram holding it (no index helps; rare and short-lived).
            checks.append(Q(tokens__contains=term.tokens[0]))
        elif postgres and len(term.tokens) == 1 and term.tokens == term.indexable:
            continue  # one bigram or word: the index lookup is already exact
        elif ALL_CJK.fullmatch(term.text):
            # Same answer as the token pattern (adjacent characters are in one run), on
            # the text, which is less than half the size of its tokens to read.
            checks.append(Q(content__contains=term.text))
        else:
            checks.append(Q(tokens__contains=term.pattern))
    return checks


@contextmanager
def index_scans(terms: list[Term], using: str = "default"):
    """Run a search's queries with sequential and plain index scans discouraged
    (PostgreSQL): rows are found through bitmaps (the GIN indexes among them).

    A common term (苏州 is in nearly every proposal) makes the planner prefer a
    sequential scan, whose cost model ignores that `vector @@ query` must detoast every
    row's tsvector: measured at 100k rows, 2.9 s against 0.3 s for the GIN bitmap scan
    that needs no recheck. A capped count (LIMIT 1001) made it walk the documents'
    primary key instead, testing `vector @@` row by row: 80 ms against 5 ms. Index-only
    scans stay allowed. SET LOCAL keeps the hints to this transaction.
    """
    connection = connections[using]
    if not terms or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        yield


def title_rank(terms: list[Term], document: str = ""):
    """How many of the terms the proposal's title holds. `document` is the path from the
    queryset's model to SearchDocument, whose `title` is normalized as the terms are, so a
    plain (case-sensitive, index-free) LIKE on a short string is exact."""
    hits = [
        Case(When(**{f"{document}title__contains": term.text}, then=Value(1)), default=Value(0))
        for term in terms
    ]
    return reduce(operator.add, hits)


def search(queryset: QuerySet, terms: list[Term]) -> QuerySet:
    """Narrow a Proposal queryset to the terms and annotate `search_rank` (for the CSV
    export and any ordering of proposals; a page of results uses ranked_documents)."""
    if not terms:
        return queryset
    ids = matching_documents(terms, using=queryset.db).values("proposal_id")
    rank = title_rank(terms, "search_document__")
    return queryset.filter(pk__in=ids).annotate(search_rank=rank)


def search_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("-search_rank", "-published_at", "-id")


def _listed(docs: QuerySet, within: QuerySet | None, scope: Q | None = None) -> QuerySet:
    """Documents of published proposals only and, given `within` (a Proposal queryset:
    the list's other filters), of those proposals only; `scope` narrows them by their
    own columns (a session or category filter, see PublicProposalFilter.search_scope).
    The unpublished proposals, few and indexed, are excluded by id without reading the
    published ones. (A document outlives its proposal's publication only until the
    refresh after commit; this makes even that moment safe.)"""
    unpublished = Proposal.objects.using(docs.db).filter(is_published=False).values("pk")
    docs = docs.exclude(proposal_id__in=unpublished).filter(scope or Q())
    if within is not None:
        docs = docs.filter(proposal_id__in=within.order_by().values("pk"))
    return docs


def ranked_documents(
    terms: list[Term],
    within: QuerySet | None = None,
    using: str = "default",
    scope: Q | None = None,
) -> QuerySet:
    """The documents holding every term (see _listed), in search_order: most terms in the
    title first, then the newest publication. Sorts every hit: RankedHits pages a
    one-term search without doing so."""
    docs = _hits(terms, within, using, scope)
    return docs.annotate(search_rank=title_rank(terms)).order_by(*DOCUMENT_ORDER)


def _hits(terms: list[Term], within: QuerySet | None, using: str, scope: Q | None) -> QuerySet:
    # The confirmations last: PostgreSQL keeps the order of conditions of equal cost, and
    # reading a candidate's text is the dearest (it does not know that).
    candidates = matching_documents(terms, using=using, confirmed=False)
    return _listed(candidates, within, scope).filter(*confirmations(terms, using))


DOCUMENT_ORDER = ("-search_rank", "-published_at", "-proposal_id")
PUBLICATION_ORDER = ("-published_at", "-proposal_id")
# The list's sorts that the documents can give a search (portal.filters.SORTS).
DOCUMENT_SORTS = {
    "-published_at": PUBLICATION_ORDER,
    "published_at": ("published_at", "proposal_id"),
    "-view_count": ("-view_count", "-proposal_id"),
}


def title_documents(term: Term, docs: QuerySet) -> QuerySet:
    """Those of `docs` whose (normalized) title holds the term; on PostgreSQL found by the
    title's GIN index first (title_vector, migration 0007), confirmed by the title. Only
    for a term of CJK characters do its bigrams say the title may hold it: "ai" is in
    the title "xai", whose token is xai."""
    docs = docs.filter(title__contains=term.text)
    postgres = connections[docs.db].vendor == "postgresql"
    if postgres and term.indexable and ALL_CJK.fullmatch(term.text):
        docs = docs.filter(
            RawSQL(
                "title_vector @@ plainto_tsquery('simple'::regconfig, %s)",
                (" ".join(dict.fromkeys(term.indexable)),),
                output_field=BooleanField(),
            )
        )
    return docs


# A search counts its hits up to this many, then says "1,000+": each hit of a term of
# three or more characters is confirmed against the document's text (5 µs each, the
# text read from TOAST), and 河长制 has 6,300 hits, whose full count cost more than the
# rest of the page. Fifty pages of results in relevance order is more than anyone reads;
# the pages go on past it (portal.pagination).
COUNT_LIMIT = 1_000


class RankedHits:
    """A search's hits in search_order, as proposal ids, for portal.pagination:
    `count_up_to(n)` counts at most n hits, `hits[a:b]` gives a page.

    With one term the rank is whether the title holds it, so a page is read from two
    runs in publication order, title hits then the rest, each only as far as the page
    needs; with more terms every hit is ranked and sorted (ranked_documents), their
    intersection being smaller.
    """

    def __init__(
        self,
        terms: list[Term],
        within: QuerySet | None = None,
        using: str = "default",
        scope: Q | None = None,
        order: tuple[str, ...] | None = None,
    ):
        self.terms = terms
        self.within = within
        self.using = using
        self.scope = scope or Q()
        self.order = order  # instead of search_order: a publication order of the documents
        self.hits = _hits(terms, within, using, scope)

    def count_up_to(self, limit: int) -> int:
        checks = confirmations(self.terms, self.using)
        if (self.within is None and not self.scope) or not checks:
            return self.hits.order_by().values("pk")[:limit].count()
        # With other filters, confirm only the candidates they keep: PostgreSQL would
        # confirm every candidate first (it does not know the text is expensive to read,
        # and orders the conditions as it likes), and 河长制 in one category is 1,000 of
        # 6,300 candidates.
        candidates = _listed(
            matching_documents(self.terms, self.using, confirmed=False), self.within, self.scope
        )
        hits = SearchDocument.objects.using(self.using).filter(pk__in=candidates.values("pk"))
        return hits.filter(*checks).order_by().values("pk")[:limit].count()

    def __getitem__(self, page: slice) -> list[int]:
        start, stop = page.start or 0, page.stop
        if self.order:
            return list(
                self.hits.order_by(*self.order).values_list("proposal_id", flat=True)[start:stop]
            )
        if len(self.terms) > 1:
            ranked = ranked_documents(self.terms, self.within, self.using, self.scope)
            return list(ranked.values_list("proposal_id", flat=True)[start:stop])
        (term,) = self.terms
        if ALL_CJK.fullmatch(term.text):
            # The title is the document's first line: a title holding the term is a hit.
            docs = _listed(SearchDocument.objects.using(self.using), self.within, self.scope)
        else:
            docs = self.hits  # "ai" in a title "xai" is not the word ai: confirm it
        in_title = title_documents(term, docs).order_by(*PUBLICATION_ORDER)
        first = list(in_title.values_list("proposal_id", flat=True)[start:stop])
        if len(first) == stop - start:
            return first
        # The title hits end on this page (there are start + len(first) of them) or
        # before it (count them); the other hits follow.
        titled = start + len(first) if first else in_title.count()
        rest_start = max(0, start - titled)
        rest = self.hits.exclude(title__contains=term.text).order_by(*PUBLICATION_ORDER)
        wanted = stop - start - len(first)
        return first + list(
            rest.values_list("proposal_id", flat=True)[rest_start : rest_start + wanted]
        )


# --- Snippets -------------------------------------------------------------------------


def _spans(haystack: str, terms: list[Term]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        start = haystack.find(term.text)
        while start != -1:
            spans.append((start, start + len(term.text)))
            start = haystack.find(term.text, start + len(term.text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[Term]) -> str:
    """The text, escaped, with each occurrence of a term wrapped in <mark>."""
    folded = normalize(text)
    if len(folded) != len(text):  # a rare character changed length when lower-cased
        folded = text
    out, position = [], 0
    for start, end in _spans(folded, terms):
        out.append(conditional_escape(text[position:start]))
        out.append(mark_safe("<mark>") + conditional_escape(text[start:end]) + mark_safe("</mark>"))
        position = end
    out.append(conditional_escape(text[position:]))
    return mark_safe("".join(out))


def snippet(content: str, terms: list[Term], *, skip: int = 0, width: int = 90) -> str:
    """An escaped, highlighted excerpt around the first hit after `skip` characters."""
    folded = normalize(content)
    if len(folded) != len(content):
        folded = content
    first = None
    for term in terms:
        at = folded.find(term.text, skip)
        if at != -1 and (first is None or at < first):
            first = at
    if first is None:
        return ""
    start = max(skip, first - width // 3)
    end = min(len(content), start + width)
    excerpt = " ".join(content[start:end].split())
    text = highlight(excerpt, terms)
    prefix = "…" if start > skip else ""
    suffix = "…" if end < len(content) else ""
    return mark_safe(prefix + text + suffix)


def attach_snippets(proposals, terms: list[Term]) -> None:
    """Give each proposal on a page `search_snippet` and `title_html` (one query)."""
    proposals = list(proposals)
    if not terms or not proposals:
        return
    contents = dict(
        SearchDocument.objects.filter(pk__in=[p.pk for p in proposals]).values_list(
            "proposal_id", "content"
        )
    )
    for proposal in proposals:
        content = contents.get(proposal.pk, "")
        proposal.title_html = highlight(proposal.title, terms)
        # The document starts with the title line; excerpt from what follows it.
        proposal.search_snippet = snippet(content, terms, skip=content.find("\n") + 1)


# --- The reference -----------------------------------------------------------------------


def reference_hits(terms: list[Term], proposals: QuerySet | None = None) -> list[int]:
    """The ids a search finds, in search_order, worked out in Python from each published
    proposal's public text (document_text): no index, no token columns, no copies, no
    two-run paging. What RankedHits and search() are tested against; slow by design."""
    proposals = Proposal.objects.published() if proposals is None else proposals
    ranked = []
    for proposal in proposals.order_by():
        text = document_text(proposal)
        if all(_holds(text, term) for term in terms):
            title = normalize(proposal.title)
            rank = sum(term.text in title for term in terms)
            ranked.append((-rank, -proposal.published_at.timestamp(), -proposal.pk))
    return [-pk for *_key, pk in sorted(ranked)]


def _holds(text: str, term: Term) -> bool:
    """Whether the text holds the term as search defines it: a lone CJK character
    anywhere; otherwise the term's tokens one after the other among the text's (so a
    Latin word matches whole words only: "ai" is not in "xai")."""
    if _single_character(term):
        return term.text in normalize(text)
    tokens, wanted = tokenize(text), list(term.tokens)
    return any(
        tokens[start : start + len(wanted)] == wanted
        for start in range(len(tokens) - len(wanted) + 1)
    )


# --- Keeping documents fresh -----------------------------------------------------------


def _public_replies(proposal: Proposal):
    from responses.models import Reply

    return (
        Reply.objects.public()
        .filter(assignment__proposal=proposal)
        .select_related("assignment__agency")
        .prefetch_related("documents")
    )


def public_classifications(replies) -> str:
    """The letters (A-D) of the public replies on live assignments, e.g. "AB": what the
    public list's classification filter matches."""
    from responses.models import AssignmentState

    return "".join(
        sorted(
            {
                reply.classification
                for reply in replies
                if reply.assignment.state != AssignmentState.WITHDRAWN
            }
        )
    )


def document_text(proposal: Proposal, replies=None) -> str:
    """The searchable text of a published proposal, one part a line: title, body, and its
    public replies' summaries and letter text."""
    if replies is None:
        replies = _public_replies(proposal)
    reply_texts = []
    for reply in replies:
        reply_texts.append(reply.summary)
        reply_texts.extend(document.text for document in reply.documents.all())
    return compose_document(proposal.title, proposal.body, reply_texts)


def compose_document(title: str, body: str, reply_texts) -> str:
    """One part a line, title first (snippets skip it). Sponsor and agency names stay out:
    they have their own filters, and in a city committee nearly every agency is 苏州市…,
    which would make 苏州 match everything."""
    return "\n".join(part for part in [title, body, *reply_texts] if part)


def refresh_search_document(proposal: Proposal) -> SearchDocument | None:
    """Make the proposal's search document match what the public may see of it now.

    The receiver below calls it after commit for every proposal that changed (see
    proposals.signals). An unpublished proposal loses its document.

    The document's `updated_at` is the stored page's version stamp, which only
    signals.changed moves (in the transaction of the change): a refresh leaves it as it
    is, and a new document starts at the proposal's own `updated_at`, so the version
    (the later of the two) does not move a second time after commit.
    """
    pk = proposal.pk
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None or not proposal.is_published:
        SearchDocument.objects.filter(pk=pk).delete()
        return None
    replies = list(_public_replies(proposal))
    content = document_text(proposal, replies)
    document, _created = SearchDocument.objects.update_or_create(
        proposal=proposal,
        defaults={"content": content, "tokens": document_tokens(content)}
        | list_fields(proposal, replies),
        create_defaults={
            "content": content,
            "tokens": document_tokens(content),
            "updated_at": proposal.updated_at,
            **list_fields(proposal, replies),
        },
    )
    return document


def proposals_changed(sender, reasons, **kwargs) -> None:
    """Receiver of signals.proposal_changed: refresh the documents of the proposals whose
    text, replies or publication may have changed (a renamed agency changes none)."""
    from proposals.signals import changed_ids

    for proposal in Proposal.objects.filter(pk__in=changed_ids(reasons)).only("pk"):
        refresh_search_document(proposal)
    # Deleted proposals lose their documents with them (CASCADE).


def list_fields(proposal: Proposal, replies) -> dict:
    """What the document copies for the public list (see SearchDocument)."""
    return {
        "title": normalize(proposal.title)[: SearchDocument._meta.get_field("title").max_length],
        "title_tokens": document_tokens(proposal.title),
        "published_at": proposal.published_at,
        "session_id": proposal.session_id,
        "category_id": proposal.category_id,
        "classifications": public_classifications(replies),
        "view_count": proposal.view_count,
    }


def refresh_view_counts(using: str = "default") -> int:
    """Copy each proposal's view count into its document where they differ (the "most
    viewed" order reads the copy); returns how many changed. A Celery beat task runs it
    every ten minutes."""
    current = Proposal.objects.using(using).filter(pk=OuterRef("pk")).values("view_count")[:1]
    stale = SearchDocument.objects.using(using).exclude(view_count=F("proposal__view_count"))
    return stale.update(view_count=Subquery(current))


def rebuild_search_documents(*, progress=None) -> int:
    """Rebuild every document (after an import or a tokenizer change); returns the count."""
    SearchDocument.objects.exclude(Q(proposal__is_published=True)).delete()
    count = 0
    for proposal in Proposal.objects.published().only("pk").iterator(chunk_size=500):
        refresh_search_document(proposal)
        count += 1
        if progress:
            progress(count)
    return count
