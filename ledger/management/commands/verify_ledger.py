import re

from django.core.management.base import BaseCommand, CommandError

from ledger import triggers
from ledger.models import ChainCheck
from ledger.verification import verify
from mimac.jobs import PeriodicJob
from mimac.models import Chapter


class Command(PeriodicJob, BaseCommand):
    help = (
        "Recompute every chapter's ledger chain and name the first row where it breaks (a row changed, "
        "deleted or inserted in the database). With --head, also check a head written down earlier (from "
        "the audit sheet) is still in the chain, which catches a chain recomputed from scratch. Each run is "
        "recorded, and the audit shows the latest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chapter", help="Only this chapter's chain (its code, e.g. DET).")
        parser.add_argument("--head", default="", help="A chain head written down earlier: at least 16 hex digits.")

    def counts_as_run(self, options):
        return not options.get("chapter")  # the nightly job checks every chapter

    def handle(self, *args, chapter=None, head="", **options):
        head = head.strip().lower().rsplit(":", 1)[-1]  # the sheet prints "sequence:hash"
        if head and not re.fullmatch(r"[0-9a-f]{16,64}", head):
            raise CommandError("--head takes the hash from the audit sheet: 16 to 64 hex digits.")
        chapters = Chapter.objects.order_by("code")
        if chapter:
            chapters = chapters.filter(code=chapter.upper())
            if not chapters:
                raise CommandError(f"There is no chapter {chapter}.")
        verdicts = []
        for each in chapters:
            verdict = verify(each, head)
            ChainCheck.objects.create(chapter=each, rows=verdict.rows, head=verdict.head, problem=verdict.problem)
            verdicts.append(verdict)
        for verdict in verdicts:
            state = "holds" if verdict.ok else f"BROKEN: {verdict.problem}"
            line = f"{verdict.chapter_code}: {verdict.rows} rows, head {verdict.rows}:{verdict.head}, {state}"
            self.stdout.write(line)
        broken = [verdict for verdict in verdicts if not verdict.ok]
        if head and not any(verdict.met_head for verdict in verdicts):
            raise CommandError(f"The head {head} written down earlier is not in the chain: it was rewritten since.")
        if broken:
            raise CommandError(f"The ledger chain is broken in {', '.join(v.chapter_code for v in broken)}.")
        if unguarded := triggers.unguarded():
            raise CommandError(
                f"The chains hold, but the database no longer refuses to rewrite {', '.join(unguarded)}: its "
                "triggers were dropped or disabled. `manage.py migrate` puts them back; find out who removed them."
            )
        self.stdout.write("Every chain holds." + (" The head written down earlier is in it." if head else ""))
