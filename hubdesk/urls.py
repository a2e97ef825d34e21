from django.urls import path

from hubdesk import library_views, views

# Under /deliveries/hub/, where the hub desk has always been (mimac/urls.py).
app_name = "hubdesk"
urlpatterns = [
    path("", views.choose, name="choose"),
    path("<int:pk>/", views.desk, name="desk"),
    path("<int:pk>/spoilage/", views.spoilage, name="spoilage"),
    path("<int:pk>/count/", views.count, name="count"),
    path("<int:pk>/count-sheet/", views.count_sheet, name="count_sheet"),
    path("<int:pk>/library/", library_views.catalogue, name="library"),
    path("<int:pk>/library/add/", library_views.copy_add, name="copy_add"),
    path("<int:pk>/library/labels/", library_views.labels, name="library_labels"),
    path("<int:pk>/library/booklet/", library_views.booklet, name="library_booklet"),
    path("<int:pk>/library/lending/", library_views.lending, name="lending"),
    path("<int:pk>/library/overdue/", library_views.overdue, name="library_overdue"),
    path("<int:pk>/library/settings/", library_views.library_settings, name="library_settings"),
    path("library/copies/<int:pk>/", library_views.copy_edit, name="copy_edit"),
    path("library/copies/<int:pk>/withdraw/", library_views.copy_withdraw, name="copy_withdraw"),
    path("library/households/<int:pk>/requests/", library_views.request_add, name="loan_request_add"),
    path("library/requests/<int:pk>/pick/", library_views.request_pick, name="loan_request_pick"),
    path("library/requests/<int:pk>/withdraw/", library_views.request_withdraw, name="loan_request_withdraw"),
]
