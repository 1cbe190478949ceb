from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.rates, name="surveys"),
    path("surveys/<int:template_id>/", views.template_detail, name="survey_template"),
]
