from django.urls import path

from recipients import views

app_name = "recipients"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/<str:code>/", views.household_create, name="household_create"),
    path("households/import/<str:code>/", views.household_import, name="household_import"),
    path(
        "households/import/<str:code>/template.csv", views.household_import_template, name="household_import_template"
    ),
    path("households/export/<str:code>/", views.household_export, name="household_export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/status/", views.household_status, name="household_status"),
    path("households/<int:pk>/data/", views.household_data, name="household_data"),
    path("households/<int:pk>/erase/", views.household_erase, name="household_erase"),
]
