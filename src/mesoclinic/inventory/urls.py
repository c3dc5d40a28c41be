"""Addresses of the catalogue's pages, under /clinic/."""

from django.urls import path

from mesoclinic.inventory import views

app_name = "inventory"
urlpatterns = [
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_edit, name="product-new"),
    path("products/<int:product_id>/", views.product_edit, name="product-edit"),
    path("products/<int:product_id>/receive/", views.lot_receive_view, name="lot-receive"),
    path("lots/", views.lot_list, name="lots"),
    path("lots/<int:lot_id>/status/", views.lot_status, name="lot-status"),
]
