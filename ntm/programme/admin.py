from django.contrib import admin

from ntm.programme.models import Registration, Sponsorship, Target

for model in (Target, Registration, Sponsorship):
    admin.site.register(model)
