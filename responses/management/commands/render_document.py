"""`manage.py render_document INPUT OUTPUT.pdf`: the reply pipeline on one file, no database.

Exit 0 with the PDF written; non-zero with a one-line reason on stderr.
"""

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from responses.documents.cover import CoverInfo
from responses.documents.render import RenderError, render_file


class Command(BaseCommand):
    help = "Render a reply letter (.doc/.docx/.wps/.rtf/.pdf) to a PDF with the house cover."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)
        parser.add_argument("--no-cover", action="store_true", help="letter only, no cover page")
        parser.add_argument("--title", help="proposal title on the cover (default: file name)")
        parser.add_argument("--number", help="proposal number on the cover")
        parser.add_argument("--kind", default="提案", help="提案 or 建议")
        parser.add_argument("--session", default="", help="e.g. 第十五届委员会第四次会议")
        parser.add_argument("--agency", default="")
        parser.add_argument("--classification", default="", help="e.g. A：已经解决或基本解决")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="reply date, YYYY-MM-DD")
        parser.add_argument("--signer", default="")
        parser.add_argument("--text", type=Path, help="also write the extracted text here")

    def handle(self, *args, **options):
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        cover = None
        if not options["no_cover"]:
            cover = CoverInfo(
                title=options["title"] or source.stem,
                number=options["number"],
                kind_label=options["kind"],
                session=options["session"],
                agency=options["agency"],
                classification=options["classification"],
                replied_on=options["date"],
                signer=options["signer"],
            )
        try:
            result = render_file(source, cover=cover)
        except RenderError as error:
            raise CommandError(" ".join(f"{error.message} ({error.reason})".split())) from None
        options["output"].write_bytes(result.pdf)
        if options["text"]:
            options["text"].write_text(result.text, encoding="utf-8")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{options['output']}: {result.pages} page(s) of {result.doc_type} via "
                f"{result.engine} in {result.seconds:.2f} s"
            )
        if result.unembedded_fonts:
            sys.stderr.write(f"warning: fonts not embedded: {', '.join(result.unembedded_fonts)}\n")
