from __future__ import annotations

import factory

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = UserKind.CITIZEN
    password = factory.django.Password("mật-khẩu-thử")


class StaffFactory(UserFactory):
    kind = UserKind.STAFF
