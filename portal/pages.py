"""Stored public pages: a published proposal's page, rendered once and served as it is.

At 100,000 proposals a detail page rendered per request (five queries and two
templates, about 8 ms) ran at 5% of a trivial Django view's rate under gunicorn; served
from a stored page (one statement finds it and counts the view; the visitor's token and
the count go in by string replacement) it runs at about a third of the trivial view's
rate (bench/public.py prints both).

What keeps a stored page right:
- Only anonymous visitors get it: no session or messages cookie (so no login, no flash
  message), no care-mode cookie (portal.care) and no query string. Everyone else gets
  the page rendered for them.
- It is rendered with two raw-markup slots, `<jy-slot-views>` for the live view count
  and `<jy-slot-csrf>` for the visitor's CSRF token, should a form on it ever need one
  (none does: the language switcher is exempt, so an anonymous page sets no cookie).
  Text from users is escaped, so a `<` in the page can only come from a template and
  these slots cannot be forged by a proposal's text.
- `version` is the later of the proposal's `updated_at` and its search document's
  `updated_at`. Whatever changes a page says so through `proposals.signals.changed`
  (every transition in `workflow.record_event`; a row the page shows saved or deleted
  anywhere else, the admin included), which moves the version in the same transaction
  as the change, once per transaction (`proposals.signals.move_versions`). A page is
  read only while its version is current, so a render that raced a change is never
  served. After commit the `proposal_changed` receiver below renders the page again in
  a worker.
- `release` fingerprints the code that renders the page (templates, the project modules
  the rendering code imports, found by reading their imports, translations, static
  files manifest): after a deploy that changes any of them every page is rendered again
  on its next visit (or by `manage.py build_public_pages`).
- `MAX_AGE` bounds what nothing above catches (an UPDATE made by hand in SQL).
"""

import ast
import functools
import hashlib
import importlib.util
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import IntegrityError, connections
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.loader import render_to_string
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from portal import care, selectors
from proposals import signals
from proposals.models import Proposal, ProposalView, SearchDocument
from proposals.models.pages import PublicPage

logger = logging.getLogger(__name__)

CSRF_SLOT = "<jy-slot-csrf>"
VIEWS_SLOT = "<jy-slot-views>"
MAX_AGE = timedelta(days=1)
TEMPLATES = ("proposals/public/detail.html", "proposals/public/_detail_body.html")


# --- Which requests, which version ------------------------------------------------------


def servable(request) -> bool:
    """Whether this request may get the stored page (see the module's docstring)."""
    return (
        not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and care.COOKIE_NAME not in request.COOKIES
    )


def _version():
    return Greatest("updated_at", Coalesce("search_document__updated_at", "updated_at"))


def _current_pages(language: str):
    return PublicPage.objects.filter(
        proposal=OuterRef("pk"),
        language=language,
        version=OuterRef("version"),
        release=release(),
        rendered_at__gte=timezone.now() - MAX_AGE,
    )


@functools.cache
def release() -> str:
    """A fingerprint of everything but the data that shapes a page, once per process:
    the templates the page is made of, the project's Python modules that render it
    (`page_modules`), the translations and the static files manifest. The same files
    give the same value on every host."""
    files = {f"templates/{name}": Path(path) for name, path in _templates(TEMPLATES).items()}
    files |= page_modules()
    for folder in settings.LOCALE_PATHS:
        for path in Path(folder).rglob("*.po"):  # what the compiled .mo is made of
            files[f"locale/{path.relative_to(folder)}"] = path
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and staticfiles_storage.exists(manifest):
        files[manifest] = Path(staticfiles_storage.path(manifest))
    return fingerprint(files)


def fingerprint(files: dict[str, Path]) -> str:
    digest = hashlib.sha256(settings.LANGUAGE_CODE.encode())
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + _read(path))
    return digest.hexdigest()[:16]


def _read(path: Path) -> bytes:
    return path.read_bytes()


def page_modules() -> dict[str, Path]:
    """The project's source files that the page-rendering code runs, by relative path:
    this module and every project module it imports, transitively (imports inside
    functions too), read from the sources rather than from what a process happens to
    have imported, so a web process and a worker agree; plus the context processors and
    template tag libraries a template runs. Installed packages are left out (after an
    upgrade that changes pages, `manage.py build_public_pages --all`)."""
    base = Path(settings.BASE_DIR).resolve()
    engine = engines["django"].engine
    todo = [__name__, *(name.rsplit(".", 1)[0] for name in engine.context_processors)]
    todo += [
        function.__module__
        for library in engine.template_libraries.values()
        for function in (*library.tags.values(), *library.filters.values())
    ]
    found: dict[str, Path] = {}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _source(name, base)
        if path is None:
            continue
        found[path.relative_to(base).as_posix()] = path
        todo.extend(_imported(name, path))
    return found


def _source(module: str, base: Path) -> Path | None:
    """The module's .py file if it is the project's own, else None."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # `from package import name`: a name, not a module
        return None
    origin = spec.origin if spec else None
    if not origin or not origin.endswith(".py"):
        return None
    path = Path(origin).resolve()
    if not path.is_relative_to(base) or "site-packages" in path.parts:
        return None
    return path


def _imported(module: str, path: Path) -> list[str]:
    """The modules a source file imports, `from a import b` giving both a and a.b."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{parent}.{node.module}" if node.module else parent
            else:
                source = node.module
            names += [source, *(f"{source}.{alias.name}" for alias in node.names)]
    # A package's __init__ runs first; its parents' too.
    parents = [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
    return names + parents


def _templates(names) -> dict[str, str]:
    """The files of these templates and of every template they extend or include by a
    constant name, found by walking the compiled templates."""
    engine = engines["django"].engine
    found: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        template = engine.get_template(name)
        found[name] = template.origin.name
        for node in template.nodelist.get_nodes_by_type((ExtendsNode, IncludeNode)):
            expression = node.parent_name if isinstance(node, ExtendsNode) else node.template
            if isinstance(expression.var, str):  # a quoted name; a variable is not followed
                todo.append(str(expression.var))
    return found


@dataclass(frozen=True)
class Visit:
    view_count: int  # with this visit, if it counted
    html: str | None  # None: no current stored page


def visit(pk: int, language: str, visitor: str, using: str = "default") -> Visit:
    """Find the proposal's stored page and count the visit (ProposalView's rules).

    Raises Http404 when the proposal is not published; the page is None when it is not
    current. On PostgreSQL one statement does both; the SQL is written by hand, as this
    runs on every visit and the ORM took longer to build the query than the database
    to answer it.
    """
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    proposal, document, page = (
        model._meta.db_table for model in (Proposal, SearchDocument, PublicPage)
    )
    greatest = "GREATEST" if postgres else "MAX"
    found = (
        f"SELECT p.id, p.view_count, s.html FROM {proposal} p"
        f" LEFT JOIN {document} d ON d.proposal_id = p.id"
        f" LEFT JOIN {page} s ON s.proposal_id = p.id AND s.language = %s"
        " AND s.release = %s AND s.rendered_at >= %s"
        f" AND s.version = {greatest}(p.updated_at, COALESCE(d.updated_at, p.updated_at))"
        " WHERE p.id = %s AND p.is_published"
    )
    cutoff = connection.ops.adapt_datetimefield_value(timezone.now() - MAX_AGE)
    params = [language, release(), cutoff, pk]
    views = ProposalView.objects.db_manager(using)
    if postgres:
        sql = views.counting_select(found, "found.view_count, found.html, ")
        row = _prepared(connection, sql, [*params, visitor, timezone.localdate()])
    else:
        with connection.cursor() as cursor:
            cursor.execute(found, params)
            row = cursor.fetchone()
    if row is None:
        raise Http404
    if postgres:
        view_count, html, counted = row
    else:
        _id, view_count, html = row
        counted = views.record(pk, visitor)
    return Visit(view_count + counted, html)


def reference_visit(pk: int, language: str, using: str = "default") -> Visit:
    """What visit() finds, before it counts the visit, in plain ORM: the published
    proposal's view count and its current page (None if none). Http404 if the
    proposal is not published. The reference the hand-written SQL is tested against."""
    proposal = (
        Proposal.objects.using(using)
        .published()
        .annotate(version=_version())
        .filter(pk=pk)
        .values("view_count", "version")
        .first()
    )
    if proposal is None:
        raise Http404
    html = (
        PublicPage.objects.using(using)
        .filter(
            proposal=pk,
            language=language,
            version=proposal["version"],
            release=release(),
            rendered_at__gte=timezone.now() - MAX_AGE,
        )
        .values_list("html", flat=True)
        .first()
    )
    return Visit(proposal["view_count"], html)


def _prepared(connection, sql: str, params: list):
    """One row of a statement prepared once per database connection (PostgreSQL).

    Django's cursors bind parameters on the client, which rules out prepared statements,
    and planning the visit statement took longer than running it (0.3 ms against 0.2).
    So this one statement goes through a server-binding psycopg cursor with
    prepare=True, after the connection health check Django's cursors make; errors and
    the query log go through Django as for any other query. (Behind
    PgBouncer in transaction mode, set its max_prepared_statements.)
    """
    connection.close_if_health_check_failed()  # as Django's cursor() does first
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        took = time.monotonic() - started
        connection.queries_log.append({"sql": sql, "time": f"{took:.3f}"})
    return row


def load(pk: int) -> Proposal:
    """The published proposal with its `version`, to render its page (404 if not)."""
    return get_object_or_404(
        Proposal.objects.published()
        .select_related("session", "category")
        .annotate(version=_version()),
        pk=pk,
    )


# --- Rendering and storing -------------------------------------------------------------


def render(proposal: Proposal, request) -> str:
    """The whole page as an anonymous visitor sees it, with the two slots."""
    selectors.load_public_relations(proposal)
    proposal.view_count = mark_safe(VIEWS_SLOT)
    body = render_to_string(TEMPLATES[1], {"proposal": proposal}, request)
    return render_to_string(
        TEMPLATES[0],
        {"proposal": proposal, "body": mark_safe(body), "csrf_token": mark_safe(CSRF_SLOT)},
        request,
    )


def fill(html: str, request, view_count: int) -> str:
    """A stored page made this visitor's: today's view count, and their CSRF token if
    the page has a form that needs one (today's has none: the language switcher is
    exempt, config/urls.py, so public pages set no cookie)."""
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    return html.replace(VIEWS_SLOT, str(view_count))


def store(pages: list[PublicPage]) -> None:
    """Insert or replace; a page of a proposal deleted meanwhile is simply dropped."""
    now = timezone.now()
    for page in pages:
        page.release, page.rendered_at = release(), now
    try:
        PublicPage.objects.bulk_create(
            pages,
            update_conflicts=True,
            unique_fields=["proposal", "language"],
            update_fields=["version", "release", "html", "rendered_at"],
        )
    except IntegrityError:
        logger.info("public page not stored: proposal deleted meanwhile", exc_info=True)
        return
    signals.page_stored([page.proposal_id for page in pages])


def page_request(proposal_id: int, language: str) -> HttpRequest:
    """A GET of the proposal's public URL by an anonymous visitor, for rendering a page
    outside a request (the task and the command)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("public:proposal", args=[proposal_id])
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    return request


def stale(language: str | None = None):
    """Published proposals with no current page in the language."""
    language = language or settings.LANGUAGE_CODE
    return (
        Proposal.objects.published()
        .annotate(version=_version())
        .filter(~Exists(_current_pages(language)))
    )


def build(ids, language: str | None = None, *, chunk: int = 200, progress=None) -> int:
    """Render and store the pages of these published proposals; returns how many.

    Each chunk fetches its relations in a fixed number of queries; proposals no longer
    published are skipped."""
    language = language or settings.LANGUAGE_CODE
    ids = list(ids)
    built = 0
    with translation.override(language):
        for start in range(0, len(ids), chunk):
            proposals = selectors.with_public_relations(
                Proposal.objects.published()
                .filter(pk__in=ids[start : start + chunk])
                .annotate(version=_version()),
                with_documents=True,
            )
            pages = [
                PublicPage(
                    proposal_id=proposal.pk,
                    language=language,
                    version=proposal.version,
                    html=render(proposal, page_request(proposal.pk, language)),
                )
                for proposal in proposals
            ]
            store(pages)
            built += len(pages)
            if progress:
                progress(len(ids[start : start + chunk]))
    return built


# --- Rendering again after a change ------------------------------------------------------

# A name changed on many pages (an agency renamed): they render on their next visit, or
# by `manage.py build_public_pages`, rather than all at once in the workers.
QUEUE_LIMIT = 100


def proposals_changed(sender, reasons, **kwargs) -> None:
    """Receiver of signals.proposal_changed: render the changed published pages now
    rather than on their first visit. A broker that is down costs nothing but that."""
    from portal.tasks import build_public_page_task
    from proposals.signals import changed_ids

    ids = changed_ids(reasons)
    if not ids or len(ids) > QUEUE_LIMIT:
        return
    for pk in Proposal.objects.published().filter(pk__in=ids).values_list("pk", flat=True):
        try:
            build_public_page_task.delay(pk)
        except Exception:  # noqa: BLE001 - kombu OperationalError and friends
            logger.warning("public page not queued", extra={"proposal_id": pk})


def committee_changed(sender, instance, **kwargs) -> None:
    """A committee's names or footer changed: its stored pages are rendered again."""
    PublicPage.objects.filter(proposal__committee=instance).delete()
