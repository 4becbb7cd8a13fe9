"""`manage.py media_archive export|import <file.tar.gz>`: the media storage as one archive.

Whatever the storage (MEDIA_ROOT or an S3 bucket, MEDIA_STORAGE), `export` writes every
file it holds (uploaded letters, rendered PDFs, opinion attachments) into a .tar.gz under
its storage name, and `import` puts them back into an EMPTY storage under the same
names, so the database's file fields find them. scripts/backup.sh and restore.sh use it
when the media are in a bucket (a folder is archived with tar directly).
"""

import tarfile
import time
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def stored_names(storage, folder: str = ""):
    """Every file name in the storage, folders walked depth first, sorted."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


class Command(BaseCommand):
    help = "Export the media storage to a .tar.gz, or import one into an empty storage."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("archive", help="the .tar.gz file to write or read")

    def handle(self, *args, action, archive, **options):
        path = Path(archive)
        count = self.export(path) if action == "export" else self.load(path)
        if options["verbosity"]:
            self.stdout.write(f"{action}: {count} files, {path}")

    def export(self, path: Path) -> int:
        count = 0
        with tarfile.open(path, "w:gz") as tar:
            for name in stored_names(default_storage):
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                info.mtime = int(time.time())
                with default_storage.open(name, "rb") as handle:
                    tar.addfile(info, handle)
                count += 1
        return count

    def load(self, path: Path) -> int:
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        if next(stored_names(default_storage), None) is not None:
            raise CommandError(_("媒体存储不是空的：只能导入到空的存储中。"))
        count = 0
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                if member.name.startswith("/") or ".." in Path(member.name).parts:
                    raise CommandError(_("归档中的文件名不安全：%(name)s") % {"name": member.name})
                saved = default_storage.save(member.name, File(tar.extractfile(member)))
                if saved != member.name:  # the storage renamed it: the database would miss it
                    raise CommandError(
                        _("文件 %(name)s 被存为 %(saved)s。")
                        % {"name": member.name, "saved": saved}
                    )
                count += 1
        return count
