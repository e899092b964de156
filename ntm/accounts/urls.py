"""The user and account pages (included from ntm/web/urls.py)."""

from django.urls import path

from ntm.accounts import views_users

urlpatterns = [
    # Users and roles (offices), one's own account and API tokens (views_users.py)
    path("users/", views_users.user_list, name="users"),
    path("users/new/", views_users.user_new, name="user-new"),
    path("users/<id:user_id>/", views_users.user_detail, name="user"),
    path("users/<id:user_id>/active/", views_users.user_active, name="user-active"),
    path("users/<id:user_id>/unlock/", views_users.user_unlock, name="user-unlock"),
    path(
        "users/<id:user_id>/password-link/",
        views_users.user_password_link,
        name="user-password-link",
    ),
    path("account/", views_users.account, name="account"),
    path("account/tokens/", views_users.account_token_new, name="account-token-new"),
    path("tokens/<id:token_id>/revoke/", views_users.token_revoke, name="token-revoke"),
    path("accounts/password/", views_users.PasswordChange.as_view(), name="password-change"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        views_users.PasswordSet.as_view(),
        name="password-reset-confirm",
    ),
    path("accounts/password/done/", views_users.password_done, name="password-done"),
]
