from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/read/", views.mark_read, name="notifications_mark_read"),
    path("notifications/preferences/", views.preferences, name="notification_preferences"),
]
