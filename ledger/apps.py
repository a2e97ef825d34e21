from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from ledger import queries, triggers
        from ledger.checks import check_chain_labels, check_unhashed_fields
        from mimac import extensions

        checks.register(check_chain_labels, checks.Tags.models)
        checks.register(check_unhashed_fields, checks.Tags.models)
        # Re-create triggers a migration dropped (SQLite remakes tables) and give new ledger tables theirs.
        post_migrate.connect(triggers.install, sender=self, dispatch_uid="ledger_triggers")
        extensions.first_record_days.append(queries.earliest_day)
