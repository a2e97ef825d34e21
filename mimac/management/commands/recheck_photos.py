from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image

from mimac.models import Photo
from mimac.photos import face_score


class Command(BaseCommand):
    help = (
        "Run the current face detector over every stored photo (say after a detector upgrade) and list "
        "those it would now refuse, for a coordinator or admin to remove. Changes nothing."
    )

    def handle(self, *args, **options):
        threshold = settings.PHOTO_FACE_THRESHOLD
        checked = flagged = 0
        for photo in Photo.objects.select_related("chapter").order_by("pk").iterator():
            with photo.image.open("rb") as file, Image.open(file) as image:
                score = face_score(image)
            checked += 1
            if score >= threshold:
                flagged += 1
                self.stdout.write(
                    f"photo {photo.pk}  chapter {photo.chapter.code}  uploaded {photo.uploaded_at:%Y-%m-%d}  "
                    f"face score {score} (refused from {threshold}): /admin/mimac/photo/{photo.pk}/change/"
                )
        self.stdout.write(f"{checked} photos checked, {flagged} would now be refused.")
