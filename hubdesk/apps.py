from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubdeskConfig(AppConfig):
    name = "hubdesk"
    verbose_name = _("Hub desk")
