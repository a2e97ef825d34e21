from django.urls import path

from money import record_views, views

app_name = "money"
# Fixed paths first: a chapter's code is two to eight capital letters, never one of these words.
urlpatterns = [
    path("", views.choose, name="choose"),
    path("accounts/<int:pk>/edit/", record_views.account_edit, name="account_edit"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/erase-donor/", views.erase_donor, name="erase_donor"),
    path("counts/<int:pk>/", views.count, name="count"),
    path("<str:code>/", views.home, name="home"),
    path("<str:code>/rows/", views.rows, name="rows"),
    path("<str:code>/statement/", views.statement, name="statement"),
    path("<str:code>/record/<slug:kind>/", record_views.record, name="record"),
    path("<str:code>/transfer/", record_views.transfer, name="transfer"),
    path("<str:code>/count/", record_views.cash_count, name="cash_count"),
    path("<str:code>/accounts/", record_views.accounts, name="accounts"),
    path("<str:code>/settings/", record_views.money_settings, name="settings"),
]
