from django.core.management.base import BaseCommand

from portal.search import rebuild_search_documents


class Command(BaseCommand):
    help = "重建公开检索文档（导入数据或更改分词方式之后运行）。"

    def handle(self, *args, **options):
        count = rebuild_search_documents()
        self.stdout.write(self.style.SUCCESS(f"已重建 {count} 个已公开提案的检索文档。"))
