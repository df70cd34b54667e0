from django.contrib.auth import views as auth_views
from django.urls import path

from chacra.accounts.throttle import ThrottledAuthenticationForm
from chacra.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("producers/", views.producer_list, name="producer-list"),
    path("producers/<int:pk>/", views.producer_detail, name="producer-detail"),
    path("plots/<int:pk>/", views.plot_detail, name="plot-detail"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
