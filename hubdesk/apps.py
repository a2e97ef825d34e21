from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubdeskConfig(AppConfig):
    name = "hubdesk"
    verbose_name = _("Hub desk")

    def ready(self):
        from hubdesk import library_sections, library_services
        from mimac import extensions

        extensions.household_sections.append(
            extensions.Section("hubdesk/household_loans.html", library_sections.household_loans)
        )
        extensions.retention_purges.append(library_services.purge_for_retention)
        extensions.household_erasers.append(library_services.erase_loans)
