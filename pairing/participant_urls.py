from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_matches, name="my_matches"),
    path("<int:pair_id>/accept/", views.accept_match, name="my_match_accept"),
    path("<int:pair_id>/decline/", views.decline_match, name="my_match_decline"),
    path("choose/<int:programme_id>/", views.choose_mentor, name="my_match_choose"),
]
