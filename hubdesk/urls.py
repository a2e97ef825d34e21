from django.urls import path

from hubdesk import views

# Under /deliveries/hub/, where the hub desk has always been (mimac/urls.py).
app_name = "hubdesk"
urlpatterns = [
    path("", views.choose, name="choose"),
    path("<int:pk>/", views.desk, name="desk"),
    path("<int:pk>/spoilage/", views.spoilage, name="spoilage"),
    path("<int:pk>/count/", views.count, name="count"),
    path("<int:pk>/count-sheet/", views.count_sheet, name="count_sheet"),
]
