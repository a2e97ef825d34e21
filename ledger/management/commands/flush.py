from django.core.management.commands import flush

from ledger.triggers import rewriting_history


class Command(flush.Command):
    help = (
        f"{flush.Command.help} The ledger's rows go too: this is the escape past its triggers that the "
        "test suite uses between tests. Never run it on a coalition's database."
    )

    def handle(self, **options):
        with rewriting_history(options["database"]):
            return super().handle(**options)
