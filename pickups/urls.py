from django.urls import path

from pickups import supplier_views, views

app_name = "pickups"
urlpatterns = [
    path("suppliers/", supplier_views.supplier_list, name="supplier_list"),
    path("suppliers/new/<str:code>/", supplier_views.supplier_create, name="supplier_create"),
    path("suppliers/<int:pk>/", supplier_views.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/edit/", supplier_views.supplier_edit, name="supplier_edit"),
    path("suppliers/<int:pk>/closures/", supplier_views.supplier_closures, name="supplier_closures"),
    path("suppliers/<int:pk>/schedules/new/", supplier_views.schedule_create, name="schedule_create"),
    path("supplier-closures/<int:pk>/delete/", supplier_views.supplier_closure_delete, name="supplier_closure_delete"),
    path("schedules/<int:pk>/edit/", supplier_views.schedule_edit, name="schedule_edit"),
    path("closures/<str:code>/", supplier_views.chapter_closures, name="chapter_closures"),
    path("closure-days/<int:pk>/delete/", supplier_views.chapter_closure_delete, name="chapter_closure_delete"),
    path("schedule/", views.week, name="week"),
    path("today/", views.today, name="today"),
    path("<int:pk>/", views.pickup_detail, name="pickup_detail"),
    path("<int:pk>/take/", views.pickup_take, name="pickup_take"),
    path("<int:pk>/give-back/", views.pickup_give_back, name="pickup_give_back"),
    path("<int:pk>/assign/", views.pickup_assign, name="pickup_assign"),
    path("<int:pk>/record/", views.pickup_record, name="pickup_record"),
    path("<int:pk>/missed/", views.pickup_missed, name="pickup_missed"),
    path("<int:pk>/count/", views.pickup_check, name="pickup_check"),
    path("print/week/", views.print_week, name="print_week"),
    path("print/open/", views.print_open, name="print_open"),
]
