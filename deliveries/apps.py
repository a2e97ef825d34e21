from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = _("Deliveries")

    def ready(self):
        from deliveries import sections, services
        from mimac import extensions

        extensions.household_sections.append(
            extensions.Section("deliveries/household_section.html", sections.household_history)
        )
        extensions.household_erasers.append(services.erase_notes)
