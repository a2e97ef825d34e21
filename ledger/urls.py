from django.urls import path

from ledger import views

app_name = "ledger"
urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.entry, name="entry"),
]
