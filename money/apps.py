from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    name = "money"
    verbose_name = _("Money")

    def ready(self):
        from mimac import extensions
        from money import sections, services

        extensions.member_sections.append(extensions.Section("money/member_dues.html", sections.member_dues))
        extensions.photo_actions.append(sections.receipt_photo_action)
        extensions.retention_purges.append(services.purge_for_retention)
