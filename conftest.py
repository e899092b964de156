"""Settings for every test: passwords hashed fast (the real hasher is for real accounts;
hashing dominates the set-up of tests that create many users)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
