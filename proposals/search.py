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
"""

import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from proposals.models import Proposal, SearchDocument

MAX_TERMS = 5
MAX_TERM_CHARS = 40
# A reply letter can be long; what search needs of it fits in this many characters.
MAX_DOCUMENT_CHARS = 100_000  # keeps the tsvector well under its 1 MB limit

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUN = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(f"[{_CJK}]")
_ALL_CJK = re.compile(f"[{_CJK}]+")
# Full-width ASCII (Ａ-Ｚ, ０-９ …) and the ideographic space fold to ASCII, one for one,
# so positions in the folded text are positions in the original (snippets rely on it).
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return text.translate(_FOLD).lower()


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if len(run) == 1 or not _IS_CJK.match(run):
            tokens.append(run)
        else:
            # Overlapping bigrams; map over two offsets runs at C speed (bench loads 100k).
            tokens.extend(map(operator.add, run, run[1:]))
    return tokens


def document_tokens(text: str) -> str:
    return " " + " ".join(tokenize(text[:MAX_DOCUMENT_CHARS])) + " "


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
        return tuple(t for t in self.tokens if len(t) > 1 or not _IS_CJK.match(t))


def parse_query(q: str | None) -> list[Term]:
    terms = []
    for word in normalize(q or "").split()[:MAX_TERMS]:
        word = word[:MAX_TERM_CHARS]
        tokens = tuple(tokenize(word))
        if tokens:
            terms.append(Term(word, tokens))
    return terms


def _single_character(term: Term) -> bool:
    return len(term.tokens) == 1 and len(term.tokens[0]) == 1 and bool(_IS_CJK.match(term.text))


def matching_documents(terms: list[Term], using: str = "default") -> QuerySet:
    """SearchDocument rows holding every term."""
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
    for term in terms:
        if _single_character(term):
            # One character: any bigram holding it (no index helps; rare and short-lived).
            docs = docs.filter(tokens__contains=term.tokens[0])
        elif postgres and len(term.tokens) == 1 and term.tokens == term.indexable:
            continue  # one bigram or word: the index lookup is already exact
        elif _ALL_CJK.fullmatch(term.text):
            # Same answer as the token pattern (adjacent characters are in one run), on
            # the text, which is less than half the size of its tokens to read.
            docs = docs.filter(content__contains=term.text)
        else:
            docs = docs.filter(tokens__contains=term.pattern)
    return docs


@contextmanager
def index_scans(terms: list[Term], using: str = "default"):
    """Run a search's queries with sequential scans discouraged (PostgreSQL).

    A common term (苏州 is in nearly every proposal) makes the planner prefer a
    sequential scan, whose cost model ignores that `vector @@ query` must detoast every
    row's tsvector: measured at 100k rows, 2.9 s against 0.3 s for the GIN bitmap scan
    that needs no recheck. SET LOCAL keeps the hint to this transaction.
    """
    connection = connections[using]
    if not terms or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def search(queryset: QuerySet, terms: list[Term]) -> QuerySet:
    """Narrow a Proposal queryset to the terms and annotate `search_rank`."""
    if not terms:
        return queryset
    ids = matching_documents(terms, using=queryset.db).values("proposal_id")
    title_hits = [
        Case(When(title__icontains=term.text, then=Value(1)), default=Value(0)) for term in terms
    ]
    rank = title_hits[0]
    for hit in title_hits[1:]:
        rank = rank + hit
    return queryset.filter(pk__in=ids).annotate(search_rank=rank)


def search_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("-search_rank", "-published_at", "-id")


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


# --- Keeping documents fresh -----------------------------------------------------------


def document_text(proposal: Proposal, replies=None) -> str:
    """The searchable text of a published proposal, one part a line: title, body, and its
    public replies' summaries and letter text."""
    from responses.models import Reply

    if replies is None:
        replies = (
            Reply.objects.public()
            .filter(assignment__proposal=proposal)
            .select_related("assignment__agency")
            .prefetch_related("documents")
        )
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

    Call after publish/unpublish, reply confirm/reopen, a change of a published
    proposal's text, and when a public reply's document text has been extracted.
    An unpublished proposal loses its document.
    """
    pk = proposal.pk
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None or not proposal.is_published:
        SearchDocument.objects.filter(pk=pk).delete()
        return None
    content = document_text(proposal)
    document, _created = SearchDocument.objects.update_or_create(
        proposal=proposal,
        defaults={
            "content": content,
            "tokens": document_tokens(content),
            "updated_at": timezone.now(),
        },
    )
    return document


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
