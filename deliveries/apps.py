from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = _("Deliveries")

    def ready(self):
        from deliveries import absences, sections, services, standing
        from mimac import extensions

        extensions.household_sections.append(
            extensions.Section("deliveries/household_standing.html", sections.household_standing)
        )
        extensions.household_sections.append(
            extensions.Section("deliveries/household_section.html", sections.household_history)
        )
        extensions.member_sections.append(
            extensions.Section("deliveries/member_absences.html", sections.member_absences)
        )
        extensions.retention_purges.append(absences.purge_for_retention)
        extensions.household_erasers.append(services.erase_notes)
        extensions.household_erasers.append(standing.erase)
        extensions.household_changes.append(standing.household_changed)
        extensions.closure_day_changes.append(standing.closure_day_changed)
