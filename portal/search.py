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

from portal.named import (
    Named,
    find_named,
    join_number_phrases,
    names_a_sponsor_or_agency,
    names_of,
    number_of,
)
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

    @property
    def number(self) -> int | None:
        """The proposal number the term may mean (portal.named)."""
        return number_of(self.text)


def parse_query(q: str | None) -> list[Term]:
    """The query's terms; "第 118 号" (or 118号, No. 118) is the one term 118."""
    terms = []
    for word in join_number_phrases(normalize(q or "")).split()[:MAX_TERMS]:
        word = word[:MAX_TERM_CHARS]
        tokens = tuple(tokenize(word))
        if tokens:
            terms.append(Term(word, tokens))
    return terms


def _single_character(term: Term) -> bool:
    return len(term.tokens) == 1 and len(term.tokens[0]) == 1 and bool(IS_CJK.match(term.text))


def matching_documents(
    terms: list[Term],
    using: str = "default",
    *,
    confirmed: bool = True,
    named: Named | None = None,
) -> QuerySet:
    """SearchDocument rows holding every term. With confirmed=False, only what the index
    finds (on PostgreSQL: every bigram present), before `confirmations` of the plain
    terms narrow it. A term that names proposals (`named`, portal.named) holds where its
    text does or for those proposals: its own condition, index and check inside an OR."""
    docs = SearchDocument.objects.using(using)
    postgres = connections[using].vendor == "postgresql"
    plain = plain_terms(terms, named)
    indexable = [token for term in plain for token in term.indexable]
    if postgres and indexable:
        docs = docs.filter(_vector_matches(indexable))
    docs = docs.filter(*(_text_or_named(term, named, using) for term in terms if term not in plain))
    return docs.filter(*confirmations(plain, using)) if confirmed else docs


def plain_terms(terms: list[Term], named: Named | None) -> list[Term]:
    """The terms that hold by their text alone (they name no proposal)."""
    return [term for term in terms if not (named and named.ids(term.text))]


def _vector_matches(tokens) -> RawSQL:
    return RawSQL(
        "vector @@ plainto_tsquery('simple'::regconfig, %s)",
        (" ".join(dict.fromkeys(tokens)),),
        output_field=BooleanField(),
    )


def _text_or_named(term: Term, named: Named, using: str) -> Q:
    # The id test first: PostgreSQL evaluates an OR's arms in order, and a named
    # proposal then skips reading its tsvector and text (detoasted, the dear part).
    text = Q(*confirmations([term], using))
    if connections[using].vendor == "postgresql" and term.indexable:
        text = Q(_vector_matches(term.indexable)) & text
    return among(named.ids(term.text), using) | text


def among(ids, using: str = "default") -> Q:
    """Documents of these proposals: one array parameter on PostgreSQL (a bitmap scan of
    the primary key, which ORs with the GIN scan), a plain IN elsewhere."""
    if connections[using].vendor == "postgresql":
        return Q(RawSQL("proposal_id = ANY(%s)", (list(ids),), output_field=BooleanField()))
    return Q(proposal_id__in=list(ids))


def named_ranks(terms: list[Term], named: Named | None, path: str = "proposal_id") -> dict:
    """`number_rank` and `name_rank`: how many terms are the proposal's number, how many
    name one of its sponsors or agencies (`path` leads to the proposal's id)."""

    def count(found: dict[str, list[int]]):
        hits = [
            Case(When(**{f"{path}__in": found[t.text]}, then=Value(1)), default=Value(0))
            for t in terms
            if found.get(t.text)
        ]
        return reduce(operator.add, hits) if hits else Value(0)

    named = named or Named()
    return {"number_rank": count(named.by_number), "name_rank": count(named.by_name)}


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


def search(queryset: QuerySet, terms: list[Term], named: Named | None = None) -> QuerySet:
    """Narrow a Proposal queryset to the terms and annotate the ranks search_order reads
    (for the CSV export and any ordering of proposals; a page of results uses
    RankedHits). `named` is find_named(terms), found here unless given."""
    if not terms:
        return queryset
    named = find_named(terms, queryset.db) if named is None else named
    ids = matching_documents(terms, using=queryset.db, named=named).values("proposal_id")
    rank = title_rank(terms, "search_document__")
    return queryset.filter(pk__in=ids).annotate(search_rank=rank, **named_ranks(terms, named, "pk"))


def search_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("-number_rank", "-name_rank", "-search_rank", "-published_at", "-id")


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
    named: Named | None = None,
) -> QuerySet:
    """The documents holding every term (see _listed), in search_order: the proposals a
    term names by number, then by name (portal.named), then most terms in the title,
    then the newest publication. Sorts every hit: RankedHits pages a one-term search
    without doing so."""
    docs = _hits(terms, within, using, scope, named)
    ranks = named_ranks(terms, named)
    return docs.annotate(search_rank=title_rank(terms), **ranks).order_by(*NAMED_ORDER)


def _hits(
    terms: list[Term],
    within: QuerySet | None,
    using: str,
    scope: Q | None,
    named: Named | None = None,
) -> QuerySet:
    # The confirmations last: PostgreSQL keeps the order of conditions of equal cost, and
    # reading a candidate's text is the dearest (it does not know that).
    candidates = matching_documents(terms, using=using, confirmed=False, named=named)
    plain = plain_terms(terms, named)
    return _listed(candidates, within, scope).filter(*confirmations(plain, using))


DOCUMENT_ORDER = ("-search_rank", "-published_at", "-proposal_id")
NAMED_ORDER = ("-number_rank", "-name_rank", *DOCUMENT_ORDER)
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

    With one term the rank is whether the term names the proposal (portal.named), then
    whether the title holds it, so a page is read from runs in that order, each in
    publication order and read only as far as the page needs: the named proposals (a
    short list), the title hits, the rest. With more terms every hit is ranked and
    sorted (ranked_documents), their intersection being smaller.
    """

    def __init__(
        self,
        terms: list[Term],
        within: QuerySet | None = None,
        using: str = "default",
        scope: Q | None = None,
        order: tuple[str, ...] | None = None,
        named: Named | None = None,
    ):
        self.terms = terms
        self.within = within
        self.using = using
        self.scope = scope or Q()
        self.order = order  # instead of search_order: a publication order of the documents
        self.named = find_named(terms, using) if named is None else named
        self.hits = _hits(terms, within, using, scope, self.named)

    def count_up_to(self, limit: int) -> int:
        plain = plain_terms(self.terms, self.named)
        checks = confirmations(plain, self.using)
        if (self.within is None and not self.scope) or not checks:
            return self.hits.order_by().values("pk")[:limit].count()
        # With other filters, confirm only the candidates they keep: PostgreSQL would
        # confirm every candidate first (it does not know the text is expensive to read,
        # and orders the conditions as it likes), and 河长制 in one category is 1,000 of
        # 6,300 candidates.
        candidates = _listed(
            matching_documents(self.terms, self.using, confirmed=False, named=self.named),
            self.within,
            self.scope,
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
            ranked = ranked_documents(self.terms, self.within, self.using, self.scope, self.named)
            return list(ranked.values_list("proposal_id", flat=True)[start:stop])
        (term,) = self.terms
        return _page_of_runs(self._runs(term), start, stop)

    def _runs(self, term: Term) -> list[QuerySet]:
        """The one-term search order as runs of documents, each in its own order."""
        runs = []
        text_hits = _hits([term], self.within, self.using, self.scope)
        if ALL_CJK.fullmatch(term.text):
            # The title is the document's first line: a title holding the term is a hit.
            docs = _listed(SearchDocument.objects.using(self.using), self.within, self.scope)
        else:
            docs = text_hits  # "ai" in a title "xai" is not the word ai: confirm it
        ids = self.named.ids(term.text)
        if ids:
            listed = SearchDocument.objects.using(self.using).filter(among(ids, self.using))
            named = _listed(listed, self.within, self.scope)
            runs.append(named.annotate(search_rank=title_rank([term])).order_by(*DOCUMENT_ORDER))
            docs, text_hits = (
                docs.exclude(among(ids, self.using)),
                text_hits.exclude(among(ids, self.using)),
            )
        runs.append(title_documents(term, docs).order_by(*PUBLICATION_ORDER))
        runs.append(text_hits.exclude(title__contains=term.text).order_by(*PUBLICATION_ORDER))
        return runs


def _page_of_runs(runs: list[QuerySet], start: int, stop: int) -> list[int]:
    """Proposal ids start:stop of the runs one after the other: a run is read only as far
    as the page needs, and counted only when the page starts past its end."""
    page: list[int] = []
    offset = start  # where the page starts within the runs not yet passed
    for run in runs:
        wanted = stop - start - len(page)
        rows = list(run.values_list("proposal_id", flat=True)[offset : offset + wanted])
        page += rows
        if len(page) == stop - start:
            break
        # The run ends on this page (the next starts at its top) or before it.
        offset = 0 if rows else max(0, offset - run.count())
    return page


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
    proposal's public text (document_text), number, sponsors' and live agencies' names
    (portal.named): no index, no token columns, no copies, no id lists, no paging in
    runs. What RankedHits and search() are tested against; slow by design."""
    proposals = Proposal.objects.published() if proposals is None else proposals
    proposals = proposals.prefetch_related("sponsorships__sponsor", "assignments__agency")
    ranked = []
    for proposal in proposals.order_by():
        text, names = document_text(proposal), names_of(proposal)
        by_number = [term.number == proposal.number for term in terms]
        by_name = [term.text in names and names_a_sponsor_or_agency(term.text) for term in terms]
        if all(
            n or m or _holds(text, t) for n, m, t in zip(by_number, by_name, terms, strict=True)
        ):
            title = normalize(proposal.title)
            rank = sum(term.text in title for term in terms)
            ranked.append(
                (
                    -sum(by_number),
                    -sum(by_name),
                    -rank,
                    -proposal.published_at.timestamp(),
                    -proposal.pk,
                )
            )
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
    """One part a line, title first (snippets skip it). Sponsor and agency names stay out
    of the text: in a city committee nearly every agency is 苏州市…, which would make 苏州
    match everything. A term that is a whole name finds its proposals (portal.named)."""
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
