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
        extensions.household_sections.append(
            extensions.Section("hubdesk/household_requests.html", library_sections.household_requests)
        )
        for blocks in (extensions.route_sheet_blocks, extensions.route_builder_blocks):
            blocks.append(extensions.StopBlock("hubdesk/stop_library.html", library_sections.bring_and_collect))
        for blocks in (extensions.stop_record_blocks, extensions.key_in_blocks):
            blocks.append(extensions.StopBlock("hubdesk/stop_library_ticks.html", library_sections.ticks))
        extensions.stop_actions.append(library_sections.act_on_ticks)
        extensions.retention_purges.append(library_services.purge_for_retention)
        extensions.household_erasers.append(library_services.erase_loans)
