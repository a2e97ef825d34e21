from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from audit import sections, track_record
        from mimac import extensions

        track_record_section = extensions.Section("audit/member_track_record.html", sections.member_track_record)
        extensions.member_sections.append(track_record_section)
        extensions.vouch_sections.append(track_record_section)
        extensions.shared_shifts.append(track_record.shared_shifts)
