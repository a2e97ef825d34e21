from django.apps import AppConfig


class MimacConfig(AppConfig):
    name = "mimac"
    verbose_name = "MIMAC"

    def ready(self):
        from mimac import trail  # noqa: F401 (connects the trail's signal receivers)
        from mimac.photos import check_detector

        check_detector()
