from django.urls import path

from . import mfa_views, views

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.download_my_data, name="my_data_download"),
    path("delete/", views.delete_account, name="delete_account"),
    path("deleted/", views.account_deleted, name="account_deleted"),
    path("two-factor/required/", mfa_views.mfa_required, name="mfa_required"),
]
