"""Walk the security audit log's hash chain: exit 0 when every row verifies, 1 with the
first broken row otherwise."""

import sys

from django.core.management.base import BaseCommand

from accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the security audit log's hash chain; exit code 1 at the first broken row."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} rows verified"))
            return
        self.stderr.write(
            f"audit chain broken at row seq={broken.seq}: {broken.reason} "
            f"({checked} rows verified before it)"
        )
        sys.exit(1)
